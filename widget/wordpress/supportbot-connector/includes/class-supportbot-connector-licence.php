<?php
/**
 * A licence key's identity as Supportbot stores it: SHA-256 of the key trimmed and upper-cased,
 * and its last four characters. The key itself never leaves the site.
 *
 * @package SupportbotConnector
 */

defined( 'ABSPATH' ) || exit;

/**
 * Licence key identities.
 */
final class Supportbot_Connector_Licence {

	/**
	 * The identity of `$key`, or null when there is no usable key.
	 *
	 * @param mixed $key What the vendor's `supportbot_connector_licence_key` filter returned.
	 * @return array{hash: string, last4: string}|null
	 */
	public static function identity( $key ) {
		if ( ! is_string( $key ) ) {
			return null;
		}
		$normalised = trim( $key );
		$normalised = function_exists( 'mb_strtoupper' ) ? mb_strtoupper( $normalised, 'UTF-8' ) : strtoupper( $normalised );
		if ( strlen( $normalised ) < 8 || strlen( $normalised ) > 200 || ! preg_match( '/^[A-Z0-9-]+$/', $normalised ) ) {
			return null; // Not a key Supportbot could know; sending it would only confuse.
		}
		return array(
			'hash'  => hash( 'sha256', $normalised ),
			'last4' => substr( $normalised, -4 ),
		);
	}
}
