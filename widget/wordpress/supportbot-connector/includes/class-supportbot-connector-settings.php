<?php
/**
 * The plugin's settings on the vendor's own site: one option, sanitised on the way in.
 *
 * @package SupportbotConnector
 */

defined( 'ABSPATH' ) || exit;

/**
 * Reading and sanitising `supportbot_connector_settings`.
 */
final class Supportbot_Connector_Settings {

	const OPTION       = 'supportbot_connector_settings';
	const MAX_GREETING = 300; // The widget shows at most this many characters.

	/**
	 * The defaults: no server, so no widget until one is set.
	 *
	 * @return array<string, string>
	 */
	public static function defaults() {
		return array(
			'url'      => '',
			'lang'     => 'auto',
			'position' => 'right',
			'color'    => '',
			'greeting' => '',
		);
	}

	/**
	 * The stored settings, always complete and valid (whatever is in the database).
	 *
	 * @return array<string, string>
	 */
	public static function get() {
		$stored = get_option( self::OPTION, array() );
		return self::clean( is_array( $stored ) ? $stored : array(), self::defaults() );
	}

	/**
	 * The `sanitize_callback` of the option: bad values are reported and the old ones kept.
	 *
	 * @param mixed $input What the settings form sent.
	 * @return array<string, string>
	 */
	public static function sanitize( $input ) {
		$previous = self::get();
		if ( ! is_array( $input ) ) {
			return $previous;
		}
		$clean = self::clean( $input, $previous );
		if ( isset( $input['url'] ) && is_string( $input['url'] ) && '' !== trim( $input['url'] ) && '' === self::server_url( $input['url'] ) ) {
			self::error( 'url', __( 'The Supportbot address must be a web address starting with https:// (or http://). The previous address was kept.', 'supportbot-connector' ) );
		}
		if ( isset( $input['color'] ) && is_string( $input['color'] ) && '' !== trim( $input['color'] ) && '' === self::color( $input['color'] ) ) {
			self::error( 'color', __( 'The colour must be written as #rgb or #rrggbb. The previous colour was kept.', 'supportbot-connector' ) );
		}
		return $clean;
	}

	/**
	 * Every setting from `$input` when valid, else from `$fallback`.
	 *
	 * @param array<mixed>          $input    Raw values.
	 * @param array<string, string> $fallback Values to keep when the raw one is invalid.
	 * @return array<string, string>
	 */
	public static function clean( array $input, array $fallback ) {
		$text  = static function ( $key ) use ( $input ) {
			return isset( $input[ $key ] ) && is_scalar( $input[ $key ] ) ? trim( (string) $input[ $key ] ) : null;
		};
		$clean = $fallback + self::defaults();

		$url = $text( 'url' );
		if ( null !== $url ) {
			$valid        = self::server_url( $url );
			$clean['url'] = '' === $url ? '' : ( '' !== $valid ? $valid : $clean['url'] );
		}
		$lang          = $text( 'lang' );
		$clean['lang'] = in_array( $lang, array( 'auto', 'nl', 'en' ), true ) ? $lang : ( null === $lang ? $clean['lang'] : 'auto' );

		$position          = $text( 'position' );
		$clean['position'] = in_array( $position, array( 'left', 'right' ), true ) ? $position : ( null === $position ? $clean['position'] : 'right' );

		$color = $text( 'color' );
		if ( null !== $color ) {
			$valid          = self::color( $color );
			$clean['color'] = '' === $color ? '' : ( '' !== $valid ? $valid : $clean['color'] );
		}
		$greeting = $text( 'greeting' );
		if ( null !== $greeting ) {
			$greeting          = sanitize_text_field( $greeting );
			$clean['greeting'] = function_exists( 'mb_substr' ) ? mb_substr( $greeting, 0, self::MAX_GREETING ) : substr( $greeting, 0, self::MAX_GREETING );
		}
		return array_intersect_key( $clean, self::defaults() );
	}

	/**
	 * A Supportbot base URL (`https://support.example.com` or with a path), or '' when `$raw`
	 * is not an http(s) address with a host. No trailing slash, no query, no fragment.
	 *
	 * @param mixed $raw What the admin or the vendor's code gave.
	 * @return string
	 */
	public static function server_url( $raw ) {
		if ( ! is_string( $raw ) || strlen( $raw ) > 500 || ! preg_match( '#^\s*https?://#i', $raw ) ) {
			return ''; // An address without its scheme is not guessed (WordPress would add http://).
		}
		$url   = esc_url_raw( trim( $raw ), array( 'http', 'https' ) );
		$parts = wp_parse_url( $url );
		if ( ! is_array( $parts ) || empty( $parts['host'] ) || empty( $parts['scheme'] ) || isset( $parts['user'] ) || isset( $parts['pass'] ) ) {
			return '';
		}
		$base = strtolower( $parts['scheme'] ) . '://' . strtolower( $parts['host'] );
		if ( isset( $parts['port'] ) ) {
			$base .= ':' . (int) $parts['port'];
		}
		$path = isset( $parts['path'] ) ? rtrim( $parts['path'], '/' ) : '';
		return $base . $path;
	}

	/**
	 * A `#rgb` or `#rrggbb` colour, or ''.
	 *
	 * @param string $raw A colour as typed.
	 * @return string
	 */
	public static function color( $raw ) {
		return preg_match( '/^#(?:[0-9a-f]{3}){1,2}$/i', $raw ) ? strtolower( $raw ) : '';
	}

	/**
	 * A product slug as Supportbot knows it (`polder`, `mail-magnet`), or ''.
	 *
	 * @param mixed $raw A slug as typed or stored.
	 * @return string
	 */
	public static function product_slug( $raw ) {
		if ( ! is_string( $raw ) ) {
			return '';
		}
		$slug = strtolower( trim( $raw ) );
		return preg_match( '/^[a-z0-9][a-z0-9_-]{0,99}$/', $slug ) ? $slug : '';
	}

	/**
	 * Report a rejected value on the settings page (only while the settings API runs).
	 *
	 * @param string $field   The setting.
	 * @param string $message What went wrong, for the admin.
	 */
	private static function error( $field, $message ) {
		if ( ! function_exists( 'add_settings_error' ) ) {
			return;
		}
		$code = 'supportbot-connector-' . $field;
		// WordPress sanitises a new option twice (update_option, then add_option): report once.
		foreach ( get_settings_errors( self::OPTION ) as $known ) {
			if ( $known['code'] === $code ) {
				return;
			}
		}
		add_settings_error( self::OPTION, $code, $message );
	}
}
