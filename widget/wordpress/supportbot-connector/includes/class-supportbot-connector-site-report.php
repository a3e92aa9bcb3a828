<?php
/**
 * The Site Health report: the text WordPress puts on the clipboard under Tools > Site Health >
 * Info > "Copy site info to clipboard", built from WordPress's own debug data.
 *
 * The format follows `WP_Debug_Data::format( $info, 'debug' )`: the report is wrapped in
 * backticks; each section is `### key (count) ###`, each field `key: value` using the untranslated
 * `debug` value when there is one; array values are one `\n\tname: value` line per item. Private
 * sections and fields are left out, as WordPress leaves them out (the site's address, ABSPATH,
 * the database user, host, name and prefix, and whatever other plugins mark private).
 *
 * Unlike WordPress, this copy survives what other plugins put into the `debug_information`
 * filter: values that are not text are skipped instead of ending the request, control characters
 * go, and a report larger than Supportbot accepts in one message is shortened (long values cut,
 * then other plugins' sections, then the least useful core sections), never cut mid-line.
 *
 * @package SupportbotConnector
 */

defined( 'ABSPATH' ) || exit;

/**
 * Builds and formats the report.
 */
final class Supportbot_Connector_Site_Report {

	const MAX_CHARS  = 20000; // Supportbot's default SUPPORTBOT_MAX_MESSAGE_CHARS.
	const LINE_LIMIT = 1000;  // A longer value is cut when the report is over its budget.

	/**
	 * The sections WordPress itself writes, least useful to support first: dropped in this order
	 * when the report is too long (after every section other plugins added).
	 */
	const DROP_ORDER = array(
		'wp-paths-sizes',
		'wp-media',
		'wp-filesystem',
		'wp-themes-inactive',
		'wp-plugins-inactive',
		'wp-dropins',
		'wp-database',
		'wp-constants',
		'wp-parent-theme',
		'wp-mu-plugins',
	);

	/**
	 * The sections that always stay (unless a single one is over the budget on its own).
	 */
	const KEEP = array( 'wp-core', 'wp-active-theme', 'wp-plugins-active', 'wp-server' );

	/**
	 * The report of this site, at most `$max_chars` long.
	 *
	 * @param int $max_chars The longest report Supportbot accepts.
	 * @return string
	 */
	public static function for_this_site( $max_chars = self::MAX_CHARS ) {
		return self::format( self::debug_data(), $max_chars );
	}

	/**
	 * `WP_Debug_Data::debug_data()`. When a plugin's `debug_information` filter throws, the data
	 * is collected again without those filters, so one broken plugin cannot block the report.
	 *
	 * @return array<mixed>
	 */
	public static function debug_data() {
		self::load_wordpress_admin();
		try {
			return (array) WP_Debug_Data::debug_data();
		} catch ( Throwable $error ) {
			// phpcs:ignore WordPress.PHP.DevelopmentFunctions.error_log_error_log -- the operator's only trace
			error_log( 'Supportbot Connector: the debug_information filter failed: ' . $error->getMessage() );
			remove_all_filters( 'debug_information' );
			return (array) WP_Debug_Data::debug_data();
		}
	}

	/**
	 * The report text for `$info` (the array `WP_Debug_Data::debug_data()` returns).
	 *
	 * @param mixed $info      Sections => array( 'fields' => ..., 'show_count' => ..., 'private' => ... ).
	 * @param int   $max_chars The longest report to return.
	 * @return string
	 */
	public static function format( $info, $max_chars = self::MAX_CHARS ) {
		$sections = array();
		foreach ( is_array( $info ) ? $info : array() as $name => $details ) {
			$section = self::section( $name, $details );
			if ( null !== $section ) {
				$sections[] = $section;
			}
		}
		$budget = max( 0, (int) $max_chars - 3 ); // The opening "`\n" and the closing "`".
		if ( self::length( $sections ) > $budget ) {
			$sections = self::shorten( $sections, $budget );
		}
		$text = "`\n";
		foreach ( $sections as $section ) {
			$text .= $section['header'] . implode( '', $section['lines'] ) . "\n";
		}
		return $text . '`';
	}

	/**
	 * One section as a header and its field lines, or null when WordPress would leave it out.
	 *
	 * @param mixed $name    The section key (`wp-core`, ...).
	 * @param mixed $details The section.
	 * @return array{name: string, header: string, lines: string[]}|null
	 */
	private static function section( $name, $details ) {
		if ( ! is_array( $details ) || empty( $details['fields'] ) || ! is_array( $details['fields'] ) || ! empty( $details['private'] ) ) {
			return null;
		}
		$name  = self::key_text( $name );
		$count = empty( $details['show_count'] ) ? '' : sprintf( ' (%d)', count( $details['fields'] ) );
		$lines = array();
		foreach ( $details['fields'] as $field_name => $field ) {
			$line = self::field_line( $field_name, $field );
			if ( null !== $line ) {
				$lines[] = $line;
			}
		}
		return array(
			'name'   => $name,
			'header' => sprintf( "### %s%s ###\n\n", $name, $count ),
			'lines'  => $lines,
		);
	}

	/**
	 * `name: value\n`, or null for a private field or one whose value is not text.
	 *
	 * Any truthy `private` hides the field (WordPress checks for `true` exactly; a plugin that
	 * writes `'private' => 1` means the same thing).
	 *
	 * @param mixed $name  The field key.
	 * @param mixed $field The field.
	 * @return string|null
	 */
	private static function field_line( $name, $field ) {
		if ( ! is_array( $field ) || ! empty( $field['private'] ) ) {
			return null;
		}
		$data = isset( $field['debug'] ) ? $field['debug'] : ( isset( $field['value'] ) ? $field['value'] : null );
		if ( is_array( $data ) ) {
			$value = '';
			foreach ( $data as $sub_name => $sub_value ) {
				if ( is_scalar( $sub_value ) || null === $sub_value || self::printable_object( $sub_value ) ) {
					$value .= sprintf( "\n\t%s: %s", self::key_text( $sub_name ), self::value_text( (string) $sub_value ) );
				}
			}
		} elseif ( is_bool( $data ) ) {
			$value = $data ? 'true' : 'false';
		} elseif ( empty( $data ) && '0' !== $data ) {
			$value = 'undefined';
		} elseif ( is_scalar( $data ) || self::printable_object( $data ) ) {
			$value = self::value_text( (string) $data );
		} else {
			return null;
		}
		return sprintf( "%s: %s\n", self::key_text( $name ), $value );
	}

	/**
	 * An object WordPress could print (it has __toString).
	 *
	 * @param mixed $value Anything.
	 * @return bool
	 */
	private static function printable_object( $value ) {
		return is_object( $value ) && method_exists( $value, '__toString' );
	}

	/**
	 * A key on one line: no control characters, at most 200 bytes.
	 *
	 * @param mixed $key An array key.
	 * @return string
	 */
	private static function key_text( $key ) {
		$text = trim( (string) preg_replace( '/[\x00-\x1F\x7F]+/', ' ', self::valid_utf8( (string) $key ) ) );
		return self::cut( $text, 200 );
	}

	/**
	 * A value as WordPress prints it, without control characters other than tab and newline
	 * (a NUL byte would make Supportbot refuse the whole message).
	 *
	 * @param string $value The value.
	 * @return string
	 */
	private static function value_text( $value ) {
		return (string) preg_replace( '/[\x00-\x08\x0B\x0C\x0E-\x1F\x7F]/', '', self::valid_utf8( $value ) );
	}

	/**
	 * `$text` with invalid UTF-8 removed (a plugin's binary value must not spoil the JSON).
	 *
	 * @param string $text Any bytes.
	 * @return string
	 */
	private static function valid_utf8( $text ) {
		if ( preg_match( '//u', $text ) ) {
			return $text;
		}
		if ( function_exists( 'mb_scrub' ) ) {
			return mb_scrub( $text, 'UTF-8' );
		}
		return wp_check_invalid_utf8( $text, true );
	}

	/**
	 * The report length the sections make (bytes: never less than Supportbot's characters).
	 *
	 * @param array<int, array{name: string, header: string, lines: string[]}> $sections The sections.
	 * @return int
	 */
	private static function length( array $sections ) {
		$length = 0;
		foreach ( $sections as $section ) {
			$length += strlen( $section['header'] ) + 1;
			foreach ( $section['lines'] as $line ) {
				$length += strlen( $line );
			}
		}
		return $length;
	}

	/**
	 * The sections made to fit `$budget`: long values cut, then whole sections dropped (other
	 * plugins' first, largest first; then core sections in DROP_ORDER), then lines from the end.
	 *
	 * @param array<int, array{name: string, header: string, lines: string[]}> $sections The sections.
	 * @param int                                                              $budget   Bytes.
	 * @return array<int, array{name: string, header: string, lines: string[]}>
	 */
	private static function shorten( array $sections, $budget ) {
		foreach ( $sections as $index => $section ) {
			foreach ( $section['lines'] as $line_index => $line ) {
				if ( strlen( $line ) > self::LINE_LIMIT ) {
					$sections[ $index ]['lines'][ $line_index ] = self::cut( rtrim( $line, "\n" ), self::LINE_LIMIT - 4 ) . "…\n";
				}
			}
		}
		foreach ( self::drop_order( $sections ) as $name ) {
			if ( self::length( $sections ) <= $budget ) {
				return $sections;
			}
			$sections = array_values(
				array_filter(
					$sections,
					static function ( $section ) use ( $name ) {
						return $section['name'] !== $name;
					}
				)
			);
		}
		while ( $sections && self::length( $sections ) > $budget ) {
			$largest = 0;
			foreach ( $sections as $index => $section ) {
				if ( count( $section['lines'] ) > count( $sections[ $largest ]['lines'] ) ) {
					$largest = $index;
				}
			}
			if ( ! $sections[ $largest ]['lines'] ) {
				array_pop( $sections );
				continue;
			}
			array_pop( $sections[ $largest ]['lines'] );
		}
		return $sections;
	}

	/**
	 * Section names in the order they may go: other plugins' sections, largest first, then ours.
	 *
	 * @param array<int, array{name: string, header: string, lines: string[]}> $sections The sections.
	 * @return string[]
	 */
	private static function drop_order( array $sections ) {
		$foreign = array();
		foreach ( $sections as $section ) {
			if ( ! in_array( $section['name'], self::KEEP, true ) && ! in_array( $section['name'], self::DROP_ORDER, true ) ) {
				$foreign[ $section['name'] ] = self::length( array( $section ) );
			}
		}
		arsort( $foreign );
		return array_merge( array_map( 'strval', array_keys( $foreign ) ), self::DROP_ORDER );
	}

	/**
	 * At most `$bytes` of `$text`, cut on a character boundary.
	 *
	 * @param string $text  UTF-8 text.
	 * @param int    $bytes The most bytes to keep.
	 * @return string
	 */
	private static function cut( $text, $bytes ) {
		if ( strlen( $text ) <= $bytes ) {
			return $text;
		}
		$cut = substr( $text, 0, $bytes );
		for ( $i = 0; $i < 4 && ! preg_match( '//u', $cut ); $i++ ) {
			$cut = substr( $cut, 0, -1 );
		}
		return $cut;
	}

	/**
	 * What `WP_Debug_Data::debug_data()` needs outside wp-admin (AJAX has it already).
	 */
	private static function load_wordpress_admin() {
		if ( ! class_exists( 'WP_Debug_Data', false ) ) {
			require_once ABSPATH . 'wp-admin/includes/class-wp-debug-data.php';
		}
		if ( ! function_exists( 'get_core_updates' ) ) {
			require_once ABSPATH . 'wp-admin/includes/admin.php';
		}
	}
}
