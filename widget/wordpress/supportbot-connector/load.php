<?php
/**
 * Supportbot Connector: the file a product includes to bundle the library.
 *
 * Several plugins and themes of one vendor may bundle different versions of this library.
 * Including this file declares nothing: it only records this copy's version and folder, and
 * on `after_setup_theme` (when every plugin and the theme have been loaded) the newest copy's
 * classes are loaded, once. An older copy never loads, so no class is declared twice.
 *
 * Usage, from a plugin's main file or a theme's functions.php:
 *
 *     require_once __DIR__ . '/vendor/supportbot-connector/load.php';
 *
 * @package SupportbotConnector
 */

defined( 'ABSPATH' ) || exit;

( static function ( $version, $folder ) {
	if ( ! isset( $GLOBALS['supportbot_connector_copies'] ) || ! is_array( $GLOBALS['supportbot_connector_copies'] ) ) {
		$GLOBALS['supportbot_connector_copies'] = array();
	}
	if ( ! isset( $GLOBALS['supportbot_connector_copies'][ $version ] ) ) {
		$GLOBALS['supportbot_connector_copies'][ $version ] = $folder;
	}

	// Every copy adds this closure; the first to run loads the newest copy, the others see it done.
	$load_newest = static function () {
		if ( defined( 'SUPPORTBOT_CONNECTOR_VERSION' ) ) {
			return;
		}
		$copies = $GLOBALS['supportbot_connector_copies'];
		uksort( $copies, 'version_compare' );
		end( $copies );
		define( 'SUPPORTBOT_CONNECTOR_VERSION', (string) key( $copies ) );
		define( 'SUPPORTBOT_CONNECTOR_DIR', current( $copies ) );
		require_once SUPPORTBOT_CONNECTOR_DIR . '/includes/bootstrap.php';
	};

	if ( did_action( 'after_setup_theme' ) ) {
		$load_newest(); // Included late: the copies known by now decide.
	} else {
		add_action( 'after_setup_theme', $load_newest, 0 );
	}
} )( '1.0.0', __DIR__ );
