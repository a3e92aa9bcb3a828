<?php
/**
 * Router for PHP's built-in server: Debian's WordPress with a test site's own wp-config.php.
 *
 * Debian's /usr/share/wordpress/wp-config.php reads /etc/wordpress/config-<host>.php. A test
 * site must not write there, so its folder (SUPPORTBOT_WP_SITE) links to Debian's files, holds
 * its own wp-config.php and wp-content, and this router defines ABSPATH as that folder before
 * any WordPress file runs (wp-load.php looks for wp-config.php in ABSPATH).
 */

define( 'ABSPATH', rtrim( (string) getenv( 'SUPPORTBOT_WP_SITE' ), '/' ) . '/' );

$supportbot_path = rawurldecode( (string) parse_url( $_SERVER['REQUEST_URI'], PHP_URL_PATH ) );
if ( false !== strpos( $supportbot_path, '..' ) || false !== strpos( $supportbot_path, "\0" ) ) {
	http_response_code( 400 );
	return true;
}
$supportbot_file = ABSPATH . ltrim( $supportbot_path, '/' );
if ( is_dir( $supportbot_file ) ) {
	if ( '/' !== substr( $supportbot_path, -1 ) ) {
		header( 'Location: ' . $supportbot_path . '/', true, 301 );
		return true;
	}
	$supportbot_file .= 'index.php';
}
if ( is_file( $supportbot_file ) && '.php' !== substr( $supportbot_file, -4 ) ) {
	return false; // A static file: the built-in server sends it.
}
if ( ! is_file( $supportbot_file ) ) {
	$supportbot_file = ABSPATH . 'index.php'; // Pretty permalinks.
}
$_SERVER['SCRIPT_FILENAME'] = $supportbot_file;
$_SERVER['SCRIPT_NAME']     = '/' . substr( $supportbot_file, strlen( ABSPATH ) );
$_SERVER['PHP_SELF']        = $_SERVER['SCRIPT_NAME'];
chdir( dirname( $supportbot_file ) );
require $supportbot_file;
