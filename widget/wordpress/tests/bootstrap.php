<?php
/**
 * Loads the test site's WordPress (see phpunit.xml.dist): its active Supportbot Connector is
 * the one under test, built from this repository by the same pytest run.
 *
 * @package SupportbotConnector
 */

$supportbot_site = getenv( 'SUPPORTBOT_WP_SITE' );
$supportbot_url  = parse_url( (string) getenv( 'SUPPORTBOT_WP_URL' ) );
if ( ! $supportbot_site || ! is_array( $supportbot_url ) || ! is_file( $supportbot_site . '/wp-config.php' ) ) {
	fwrite( STDERR, "Set SUPPORTBOT_WP_SITE and SUPPORTBOT_WP_URL (pytest tests/wordpress/test_phpunit.py does).\n" );
	exit( 1 );
}
$_SERVER['HTTP_HOST']       = $supportbot_url['host'] . ':' . $supportbot_url['port'];
$_SERVER['SERVER_NAME']     = $supportbot_url['host'];
$_SERVER['SERVER_PORT']     = (string) $supportbot_url['port'];
$_SERVER['REQUEST_URI']     = '/';
$_SERVER['REQUEST_METHOD']  = 'GET';
$_SERVER['SERVER_PROTOCOL'] = 'HTTP/1.1';
$_SERVER['REMOTE_ADDR']     = '127.0.0.1';
define( 'ABSPATH', rtrim( $supportbot_site, '/' ) . '/' );
require ABSPATH . 'wp-load.php';
require_once ABSPATH . 'wp-admin/includes/admin.php';

if ( ! defined( 'SUPPORTBOT_CONNECTOR_VERSION' ) ) {
	fwrite( STDERR, "The Supportbot Connector is not active on the test site.\n" );
	exit( 1 );
}
