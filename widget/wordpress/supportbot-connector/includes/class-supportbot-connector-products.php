<?php
/**
 * The vendor's products that bundle the connector, as they register themselves:
 *
 *     add_filter( 'supportbot_connector_products', function ( $products ) {
 *         $products['appointpress'] = array(
 *             'name'        => 'AppointPress',
 *             'version'     => APPOINTPRESS_VERSION,      // or 'file' => __FILE__ (its header)
 *             'server'      => 'https://support.example.com',
 *             'parent_menu' => 'appointpress',            // default: tools.php
 *         );
 *         return $products;
 *     } );
 *
 * Data only: whichever copy of the library is newest reads it, so products bundling different
 * versions of the library register the same way.
 *
 * @package SupportbotConnector
 */

defined( 'ABSPATH' ) || exit;

/**
 * Reading and validating the registrations.
 */
final class Supportbot_Connector_Products {

	/**
	 * The valid registrations, by slug.
	 *
	 * @return array<string, array{slug: string, name: string, version: string, server: string, parent_menu: string, capability: string, menu_title: string}>
	 */
	public static function all() {
		$registered = apply_filters( 'supportbot_connector_products', array() );
		$products   = array();
		foreach ( is_array( $registered ) ? $registered : array() as $slug => $config ) {
			$product = self::normalise( $slug, $config );
			if ( null !== $product ) {
				$products[ $product['slug'] ] = $product;
			}
		}
		return $products;
	}

	/**
	 * One registration made safe to use, or null when it names no product.
	 *
	 * @param mixed $slug   The array key: Supportbot's product slug.
	 * @param mixed $config The product's settings.
	 * @return array{slug: string, name: string, version: string, server: string, parent_menu: string, capability: string, menu_title: string}|null
	 */
	public static function normalise( $slug, $config ) {
		$slug = Supportbot_Connector_Settings::product_slug( is_string( $slug ) ? $slug : '' );
		if ( '' === $slug || ! is_array( $config ) ) {
			return null;
		}
		$text = static function ( $key, $default ) use ( $config ) {
			return isset( $config[ $key ] ) && is_string( $config[ $key ] ) && '' !== trim( $config[ $key ] ) ? sanitize_text_field( $config[ $key ] ) : $default;
		};
		$parent = $text( 'parent_menu', 'tools.php' );
		return array(
			'slug'        => $slug,
			'name'        => $text( 'name', $slug ),
			'version'     => self::version( $config ),
			'server'      => Supportbot_Connector_Settings::server_url( isset( $config['server'] ) ? $config['server'] : '' ),
			'parent_menu' => preg_match( '/^[A-Za-z0-9_.?=&\/-]{1,200}$/', $parent ) ? $parent : 'tools.php',
			'capability'  => $text( 'capability', 'manage_options' ),
			'menu_title'  => $text( 'menu_title', '' ),
		);
	}

	/**
	 * The installed version: given, or read from the plugin file's header.
	 *
	 * @param array<mixed> $config The product's settings.
	 * @return string A version such as 3.4.2, or ''.
	 */
	private static function version( array $config ) {
		$version = isset( $config['version'] ) && is_scalar( $config['version'] ) ? (string) $config['version'] : '';
		if ( '' === $version && isset( $config['file'] ) && is_string( $config['file'] ) && is_readable( $config['file'] ) ) {
			$header  = get_file_data( $config['file'], array( 'version' => 'Version' ) );
			$version = $header['version'];
		}
		$version = trim( $version );
		return preg_match( '/^[0-9][0-9A-Za-z.+~-]{0,39}$/', $version ) ? $version : '';
	}
}
