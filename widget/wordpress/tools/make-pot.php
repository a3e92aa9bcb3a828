<?php
/**
 * Writes the connector's translation template (languages/supportbot-connector.pot) from the
 * gettext calls in its PHP files, read with PHP's own tokenizer (what wp-cli's
 * `wp i18n make-pot` does, without needing wp-cli).
 *
 *     php widget/wordpress/tools/make-pot.php [output.pot]
 *
 * Only calls with our text domain count. A `translators:` comment before a call goes into the
 * template for translators, as WordPress's tools do.
 */

const SUPPORTBOT_DOMAIN = 'supportbot-connector';
const SUPPORTBOT_KEYWORDS = array(
	'__'         => array( 'text' ),
	'_e'         => array( 'text' ),
	'esc_html__' => array( 'text' ),
	'esc_html_e' => array( 'text' ),
	'esc_attr__' => array( 'text' ),
	'esc_attr_e' => array( 'text' ),
	'_x'         => array( 'text', 'context' ),
	'esc_html_x' => array( 'text', 'context' ),
	'esc_attr_x' => array( 'text', 'context' ),
);

$plugin = dirname( __DIR__ ) . '/supportbot-connector';
$output = isset( $argv[1] ) ? $argv[1] : $plugin . '/languages/' . SUPPORTBOT_DOMAIN . '.pot';

$entries = array();
supportbot_plugin_header( $plugin . '/' . SUPPORTBOT_DOMAIN . '.php', $entries );
$files   = new RecursiveIteratorIterator( new RecursiveDirectoryIterator( $plugin, FilesystemIterator::SKIP_DOTS ) );
$paths   = array();
foreach ( $files as $file ) {
	if ( 'php' === $file->getExtension() ) {
		$paths[] = $file->getPathname();
	}
}
sort( $paths );
foreach ( $paths as $path ) {
	supportbot_extract( $path, substr( $path, strlen( $plugin ) + 1 ), $entries );
}

$header  = "# Copyright (C) New Media Entertainment\n";
$header .= "# This file is distributed under the GPL-2.0-or-later.\n";
$header .= "msgid \"\"\nmsgstr \"\"\n";
$header .= "\"Project-Id-Version: Supportbot Connector\\n\"\n";
$header .= "\"MIME-Version: 1.0\\n\"\n";
$header .= "\"Content-Type: text/plain; charset=UTF-8\\n\"\n";
$header .= "\"Content-Transfer-Encoding: 8bit\\n\"\n";
$header .= "\"X-Domain: " . SUPPORTBOT_DOMAIN . "\\n\"\n";

$body = '';
foreach ( $entries as $entry ) {
	$body .= "\n";
	foreach ( array_unique( $entry['comments'] ) as $comment ) {
		$body .= '#. ' . $comment . "\n";
	}
	$body .= '#: ' . implode( ' ', $entry['references'] ) . "\n";
	if ( null !== $entry['context'] ) {
		$body .= 'msgctxt ' . supportbot_po_string( $entry['context'] ) . "\n";
	}
	$body .= 'msgid ' . supportbot_po_string( $entry['text'] ) . "\nmsgstr \"\"\n";
}
file_put_contents( $output, $header . $body );

/**
 * The plugin header's translatable fields, as WordPress translates them on the Plugins screen.
 *
 * @param string $main    The plugin's main file.
 * @param array  $entries Entries by context and text.
 */
function supportbot_plugin_header( $main, array &$entries ) {
	$source = file_get_contents( $main );
	foreach ( array( 'Plugin Name', 'Description', 'Author' ) as $field ) {
		if ( preg_match( '/^[ \t\/*#@]*' . preg_quote( $field, '/' ) . ':(.*)$/mi', $source, $m ) ) {
			$entries[ trim( $m[1] ) ] = array(
				'text'       => trim( $m[1] ),
				'context'    => null,
				'references' => array( basename( $main ) ),
				'comments'   => array( $field . ' of the plugin' ),
			);
		}
	}
}

/**
 * Add the gettext calls of one file to `$entries`.
 *
 * @param string $path     The file.
 * @param string $relative Its path in the plugin, for references.
 * @param array  $entries  Entries by context and text.
 */
function supportbot_extract( $path, $relative, array &$entries ) {
	$tokens  = token_get_all( file_get_contents( $path ) );
	$comment = null;
	$count   = count( $tokens );
	for ( $i = 0; $i < $count; $i++ ) {
		$token = $tokens[ $i ];
		if ( is_array( $token ) && T_COMMENT === $token[0] && preg_match( '/translators:\s*(.*?)\s*(\*\/)?$/s', $token[1], $m ) ) {
			$comment = preg_replace( '/\s+/', ' ', $m[1] );
			continue;
		}
		if ( ! is_array( $token ) || T_STRING !== $token[0] || ! isset( SUPPORTBOT_KEYWORDS[ $token[1] ] ) ) {
			continue;
		}
		$arguments = supportbot_arguments( $tokens, $i + 1 );
		$roles     = SUPPORTBOT_KEYWORDS[ $token[1] ];
		$domain    = isset( $arguments[ count( $roles ) ] ) ? $arguments[ count( $roles ) ] : null;
		if ( SUPPORTBOT_DOMAIN !== $domain || null === $arguments[0] ) {
			continue;
		}
		$context = isset( $roles[1] ) ? $arguments[1] : null;
		$key     = ( null === $context ? '' : $context . "\x04" ) . $arguments[0];
		if ( ! isset( $entries[ $key ] ) ) {
			$entries[ $key ] = array(
				'text'       => $arguments[0],
				'context'    => $context,
				'references' => array(),
				'comments'   => array(),
			);
		}
		$entries[ $key ]['references'][] = $relative . ':' . $token[2];
		if ( null !== $comment ) {
			$entries[ $key ]['comments'][] = $comment;
		}
		$comment = null;
	}
}

/**
 * The literal string arguments of the call starting at `$start` (null for anything else).
 *
 * @param array $tokens PHP tokens.
 * @param int   $start  Index just after the function name.
 * @return array
 */
function supportbot_arguments( array $tokens, $start ) {
	$arguments = array();
	$depth     = 0;
	$current   = null;
	$simple    = true;
	for ( $i = $start, $count = count( $tokens ); $i < $count; $i++ ) {
		$token = $tokens[ $i ];
		$text  = is_array( $token ) ? $token[1] : $token;
		if ( is_array( $token ) && in_array( $token[0], array( T_WHITESPACE, T_COMMENT ), true ) ) {
			continue;
		}
		if ( '(' === $text ) {
			++$depth;
			if ( 1 === $depth ) {
				continue;
			}
		}
		if ( ')' === $text || ( ',' === $text && 1 === $depth ) ) {
			if ( 1 === $depth ) {
				$arguments[] = $simple ? $current : null;
				$current     = null;
				$simple      = true;
				if ( ')' === $text ) {
					return $arguments;
				}
				continue;
			}
		}
		if ( ')' === $text ) {
			--$depth;
		}
		if ( 1 === $depth && is_array( $token ) && T_CONSTANT_ENCAPSED_STRING === $token[0] && null === $current ) {
			$current = supportbot_php_string( $token[1] );
		} else {
			$simple = false;
		}
	}
	return $arguments;
}

/**
 * The value of a PHP string literal.
 *
 * @param string $literal 'text' or "text".
 * @return string
 */
function supportbot_php_string( $literal ) {
	$quote = $literal[0];
	$body  = substr( $literal, 1, -1 );
	if ( "'" === $quote ) {
		return str_replace( array( "\\'", '\\\\' ), array( "'", '\\' ), $body );
	}
	return stripcslashes( $body );
}

/**
 * A PO string literal.
 *
 * @param string $text The text.
 * @return string
 */
function supportbot_po_string( $text ) {
	return '"' . addcslashes( $text, "\\\"\n\t" ) . '"';
}
