<?php
/**
 * The widget on the vendor's own site: every front-end page, with the settings' options and
 * the page's product. Without a server address the site gets nothing at all.
 *
 * @package SupportbotConnector
 */

defined( 'ABSPATH' ) || exit;

/**
 * Front-end output.
 */
final class Supportbot_Connector_Site_Widget {

	/**
	 * Hook the output in.
	 */
	public static function hook() {
		add_action( 'wp_enqueue_scripts', array( __CLASS__, 'enqueue' ) );
	}

	/**
	 * Enqueue widget.js with its options, when a server is set.
	 */
	public static function enqueue() {
		$settings = Supportbot_Connector_Settings::get();
		if ( '' === $settings['url'] ) {
			return;
		}
		Supportbot_Connector_Widget_Tag::enqueue(
			$settings['url'],
			array(
				'lang'     => 'auto' === $settings['lang'] ? '' : $settings['lang'],
				'position' => $settings['position'],
				'color'    => $settings['color'],
				'greeting' => $settings['greeting'],
				'product'  => self::page_product(),
			)
		);
	}

	/**
	 * The product chosen for this page or post (its "Supportbot" box), or ''.
	 *
	 * @return string
	 */
	public static function page_product() {
		$slug = '';
		if ( is_singular() ) {
			$slug = (string) get_post_meta( (int) get_queried_object_id(), Supportbot_Connector_Product_Meta_Box::META_KEY, true );
		}
		return Supportbot_Connector_Settings::product_slug( apply_filters( 'supportbot_connector_page_product', $slug ) );
	}
}
