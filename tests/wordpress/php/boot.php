<?php
/**
 * Runs WordPress in the command line for a test site: the request variables WordPress expects,
 * and ABSPATH set to the site's folder (see router.php). Then `$argv[1]` is included.
 *
 *     SUPPORTBOT_WP_SITE=... SUPPORTBOT_WP_URL=http://127.0.0.1:PORT php boot.php task.php [args]
 *
 * With SUPPORTBOT_WP_INSTALLING=1, WordPress is loaded the way wp-admin/install.php loads it.
 */

$supportbot_url                    = parse_url( (string) getenv( 'SUPPORTBOT_WP_URL' ) );
$_SERVER['HTTP_HOST']              = $supportbot_url['host'] . ( isset( $supportbot_url['port'] ) ? ':' . $supportbot_url['port'] : '' );
$_SERVER['SERVER_NAME']            = $supportbot_url['host'];
$_SERVER['SERVER_PORT']            = isset( $supportbot_url['port'] ) ? (string) $supportbot_url['port'] : '80';
$_SERVER['REQUEST_URI']            = '/';
$_SERVER['REQUEST_METHOD']         = 'GET';
$_SERVER['SERVER_PROTOCOL']        = 'HTTP/1.1';
$_SERVER['REMOTE_ADDR']            = '127.0.0.1';
$_SERVER['SERVER_SOFTWARE']        = 'PHP ' . PHP_VERSION . ' Development Server';
define( 'ABSPATH', rtrim( (string) getenv( 'SUPPORTBOT_WP_SITE' ), '/' ) . '/' );
if ( getenv( 'SUPPORTBOT_WP_INSTALLING' ) ) {
	define( 'WP_INSTALLING', true );
}
require ABSPATH . 'wp-load.php';
require_once ABSPATH . 'wp-admin/includes/admin.php';

$supportbot_task = $argv[1];
$argv            = array_slice( $argv, 1 );
require $supportbot_task;
