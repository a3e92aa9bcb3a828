<?php
/**
 * Can the browser on this site talk to the Supportbot server? Asked from PHP once every few
 * minutes (the answer is cached), so an admin page can say so instead of showing a dead chat.
 *
 * The probe is the widget's own FAQ search, sent with this site's Origin: Supportbot answers
 * with `Access-Control-Allow-Origin` exactly when a browser on this site may use the widget.
 *
 * @package SupportbotConnector
 */

defined( 'ABSPATH' ) || exit;

/**
 * The reachability and origin check.
 */
final class Supportbot_Connector_Server_Check {

	const OK          = 'ok';
	const UNREACHABLE = 'unreachable';
	const REFUSED     = 'refused';
	const TIMEOUT_S   = 3;

	/**
	 * The cached verdict for `$server` (with `$product` preselected) from `$origin`.
	 *
	 * @param string $server  Supportbot base URL.
	 * @param string $product Product slug, or ''.
	 * @param string $origin  The browser's origin, `scheme://host[:port]`.
	 * @return array{state: string, detail: string}
	 */
	public static function status( $server, $product, $origin ) {
		$key    = 'supportbot_connector_check_' . md5( $server . '|' . $product . '|' . $origin );
		$cached = get_transient( $key );
		if ( is_array( $cached ) && isset( $cached['state'], $cached['detail'] ) ) {
			return $cached;
		}
		$result = self::probe( $server, $product, $origin );
		set_transient( $key, $result, self::OK === $result['state'] ? 10 * MINUTE_IN_SECONDS : MINUTE_IN_SECONDS );
		return $result;
	}

	/**
	 * Ask the server now.
	 *
	 * @param string $server  Supportbot base URL.
	 * @param string $product Product slug, or ''.
	 * @param string $origin  The browser's origin.
	 * @return array{state: string, detail: string}
	 */
	public static function probe( $server, $product, $origin ) {
		$url      = $server . '/api/faq/search?q=&product=' . rawurlencode( $product );
		$response = wp_remote_get(
			$url,
			array(
				'timeout'     => self::TIMEOUT_S,
				'redirection' => 0,
				'headers'     => array( 'Origin' => $origin ),
			)
		);
		if ( is_wp_error( $response ) ) {
			return array(
				'state'  => self::UNREACHABLE,
				'detail' => $response->get_error_message(),
			);
		}
		$code = (int) wp_remote_retrieve_response_code( $response );
		if ( 200 !== $code ) {
			return array(
				'state'  => self::UNREACHABLE,
				'detail' => trim( 'HTTP ' . $code . ' ' . wp_remote_retrieve_response_message( $response ) ),
			);
		}
		$allowed = wp_remote_retrieve_header( $response, 'access-control-allow-origin' );
		if ( $allowed !== $origin && '*' !== $allowed ) {
			return array(
				'state'  => self::REFUSED,
				'detail' => $origin,
			);
		}
		return array(
			'state'  => self::OK,
			'detail' => '',
		);
	}

	/**
	 * `scheme://host[:port]` of a URL of this site (what browsers send as Origin).
	 *
	 * @param string $url For example admin_url() or home_url().
	 * @return string
	 */
	public static function origin_of( $url ) {
		$parts = wp_parse_url( $url );
		if ( ! is_array( $parts ) || empty( $parts['host'] ) ) {
			return '';
		}
		$scheme = isset( $parts['scheme'] ) ? strtolower( $parts['scheme'] ) : 'http';
		$port   = isset( $parts['port'] ) ? ':' . (int) $parts['port'] : '';
		return $scheme . '://' . strtolower( $parts['host'] ) . $port;
	}

	/**
	 * The notice for a verdict, or '' when all is well.
	 *
	 * @param array{state: string, detail: string} $status What `status()` said.
	 * @param string                               $server The Supportbot base URL.
	 * @return string Plain text.
	 */
	public static function message( array $status, $server ) {
		if ( self::UNREACHABLE === $status['state'] ) {
			/* translators: 1: the support server's address, 2: the error */
			return sprintf( __( 'This site cannot reach the support server at %1$s (%2$s). The chat may not work right now; please try again later.', 'supportbot-connector' ), $server, $status['detail'] );
		}
		if ( self::REFUSED === $status['state'] ) {
			/* translators: 1: the support server's address, 2: this site's address */
			return sprintf( __( 'The support server at %1$s does not accept chats from %2$s.', 'supportbot-connector' ), $server, $status['detail'] );
		}
		return '';
	}
}
