<?php
/**
 * The widget's `<script>` tag: enqueued the WordPress way, with the `data-*` options the
 * widget reads and `async`. Nothing inline, so a site's Content Security Policy needs only the
 * Supportbot server in `script-src` and `connect-src`.
 *
 * @package SupportbotConnector
 */

defined( 'ABSPATH' ) || exit;

/**
 * Enqueues widget.js and writes its options onto the tag.
 */
final class Supportbot_Connector_Widget_Tag {

	const HANDLE = 'supportbot-widget';

	/**
	 * Options the widget reads, in the order they are written.
	 */
	const OPTIONS = array( 'lang', 'position', 'color', 'greeting', 'product', 'version', 'licence-hash', 'licence-last4' );

	/**
	 * The options for the enqueued tag (one widget per page).
	 *
	 * @var array<string, string>
	 */
	private static $options = array();

	/**
	 * Enqueue `<server>/widget.js` with `$options` (see OPTIONS; empty values are left out).
	 *
	 * @param string               $server  The Supportbot base URL, without a trailing slash.
	 * @param array<string, mixed> $options The widget's options.
	 */
	public static function enqueue( $server, array $options ) {
		self::$options = array();
		foreach ( self::OPTIONS as $name ) {
			if ( isset( $options[ $name ] ) && is_scalar( $options[ $name ] ) && '' !== (string) $options[ $name ] ) {
				self::$options[ $name ] = (string) $options[ $name ];
			}
		}
		// A null version keeps WordPress from adding ?ver=, which would defeat the script's cache.
		wp_enqueue_script( self::HANDLE, $server . '/widget.js', array(), null, true ); // phpcs:ignore WordPress.WP.EnqueuedResourceParameters.MissingVersion
		if ( ! has_filter( 'script_loader_tag', array( __CLASS__, 'filter_tag' ) ) ) {
			add_filter( 'script_loader_tag', array( __CLASS__, 'filter_tag' ), 10, 2 );
		}
	}

	/**
	 * `script_loader_tag`: our tag gets `async` and its `data-*` attributes.
	 *
	 * @param string $tag    The HTML WordPress is about to print.
	 * @param string $handle The script's handle.
	 * @return string
	 */
	public static function filter_tag( $tag, $handle ) {
		if ( self::HANDLE !== $handle || ! is_string( $tag ) ) {
			return $tag;
		}
		return self::add_attributes( $tag, self::$options );
	}

	/**
	 * `$tag` with `async` (unless it has a loading strategy already) and the options added
	 * to the `<script>` element that has the `src` (inline scripts around it stay as they are).
	 *
	 * @param string                $tag     HTML of one or more script elements.
	 * @param array<string, string> $options Option name => value.
	 * @return string
	 */
	public static function add_attributes( $tag, array $options ) {
		$attributes = '';
		foreach ( $options as $name => $value ) {
			$attributes .= sprintf( ' data-%s="%s"', $name, esc_attr( $value ) );
		}
		return (string) preg_replace_callback(
			'/<script\b([^>]*\ssrc=[^>]*)>/i',
			static function ( $match ) use ( $attributes ) {
				$loading = preg_match( '/\s(async|defer)\b/i', $match[1] ) ? '' : ' async';
				return '<script' . $loading . $attributes . $match[1] . '>';
			},
			$tag,
			1
		);
	}

	/**
	 * The widget language for a WordPress locale: Dutch for nl_*, English otherwise.
	 *
	 * @param string $locale A WordPress locale such as nl_NL, nl_BE_formal or de_DE.
	 * @return string
	 */
	public static function language_for_locale( $locale ) {
		return 0 === strpos( strtolower( (string) $locale ), 'nl' ) ? 'nl' : 'en';
	}
}
