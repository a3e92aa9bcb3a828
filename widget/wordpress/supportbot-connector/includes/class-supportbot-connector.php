<?php
/**
 * Wires the connector into WordPress: translations, the site's own widget (when this copy
 * runs as the Supportbot Connector plugin) and the Help pages of the products that bundle it.
 *
 * @package SupportbotConnector
 */

defined( 'ABSPATH' ) || exit;

/**
 * The connector's entry point.
 */
final class Supportbot_Connector {

	const TEXT_DOMAIN = 'supportbot-connector';

	/**
	 * Hooks everything in; called once, for the newest copy of the library.
	 */
	public static function boot() {
		add_action( 'init', array( __CLASS__, 'load_translations' ), 1 );
		if ( self::runs_as_plugin() ) {
			Supportbot_Connector_Settings_Page::hook();
			Supportbot_Connector_Site_Widget::hook();
			Supportbot_Connector_Product_Meta_Box::hook();
		}
		Supportbot_Connector_Help_Page::hook();
	}

	/**
	 * The Supportbot Connector plugin is active (a bundled copy alone adds only Help pages).
	 *
	 * @return bool
	 */
	public static function runs_as_plugin() {
		return defined( 'SUPPORTBOT_CONNECTOR_PLUGIN_FILE' );
	}

	/**
	 * Our own .mo files, from whichever copy won; a language pack in wp-content/languages
	 * (loaded by WordPress itself) takes precedence.
	 */
	public static function load_translations() {
		$locale = determine_locale();
		$file   = SUPPORTBOT_CONNECTOR_DIR . '/languages/' . self::TEXT_DOMAIN . '-' . $locale . '.mo';
		if ( is_readable( $file ) ) {
			load_textdomain( self::TEXT_DOMAIN, $file );
		}
	}
}
