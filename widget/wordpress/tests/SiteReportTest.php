<?php
/**
 * The Site Health report: WordPress's own clipboard text, private fields left out, and a
 * report that survives whatever other plugins put into the debug data.
 *
 * @package SupportbotConnector
 */

use PHPUnit\Framework\TestCase;

/**
 * Supportbot_Connector_Site_Report.
 */
final class SiteReportTest extends TestCase {

	protected function tearDown(): void {
		remove_all_filters( 'debug_information' );
	}

	public function test_the_report_is_what_wordpress_copies_to_the_clipboard(): void {
		$info = WP_Debug_Data::debug_data();
		$this->assertSame( WP_Debug_Data::format( $info, 'debug' ), Supportbot_Connector_Site_Report::format( $info ) );
	}

	public function test_the_report_of_this_site_names_wordpress_php_theme_and_plugins(): void {
		$report = Supportbot_Connector_Site_Report::for_this_site();
		$this->assertStringStartsWith( "`\n### wp-core ###\n\nversion: " . get_bloginfo( 'version' ) . "\n", $report );
		$this->assertStringEndsWith( "\n`", $report );
		$this->assertStringContainsString( "\nphp_version: " . PHP_VERSION . ' ', $report );
		$this->assertStringContainsString( "\nname: Twenty Twenty-Three (twentytwentythree)\n", $report );
		$this->assertMatchesRegularExpression( '/^AppointPress: version: 3\.3\.0, author: New Media Entertainment$/m', $report );
		$this->assertMatchesRegularExpression( '/^Supportbot Connector: version: ' . preg_quote( SUPPORTBOT_CONNECTOR_VERSION, '/' ) . ',/m', $report );
	}

	public function test_what_wordpress_marks_private_stays_out(): void {
		$report = Supportbot_Connector_Site_Report::for_this_site();
		foreach ( array( 'database_user:', 'database_host:', 'database_name:', 'database_prefix:', 'home_url:', 'site_url:', 'ABSPATH:', DB_NAME ) as $private ) {
			$this->assertStringNotContainsString( $private, $report );
		}
	}

	public function test_private_sections_and_fields_of_other_plugins_stay_out(): void {
		$info = array(
			'their-secrets' => array(
				'private' => true,
				'fields'  => array( 'api_key' => array( 'value' => 'sk-live-1' ) ),
			),
			'their-plugin'  => array(
				'show_count' => true,
				'fields'     => array(
					'token'  => array(
						'value'   => 'tok-2',
						'private' => true,
					),
					'loose'  => array(
						'value'   => 'tok-3',
						'private' => 1, // WordPress would copy this one; we do not.
					),
					'public' => array(
						'value' => 'shown',
						'debug' => 'shown-debug',
					),
				),
			),
		);
		$this->assertSame( "`\n### their-plugin (3) ###\n\npublic: shown-debug\n\n`", Supportbot_Connector_Site_Report::format( $info ) );
	}

	public function test_values_are_written_the_way_wordpress_writes_them(): void {
		$info = array(
			'demo' => array(
				'fields' => array(
					'yes'    => array( 'value' => true ),
					'no'     => array( 'value' => false ),
					'zero'   => array( 'value' => '0' ),
					'empty'  => array( 'value' => '' ),
					'nothing' => array(),
					'number' => array( 'value' => 42 ),
					'list'   => array(
						'value' => array(
							'a' => 1,
							'b' => 'two',
						),
					),
				),
			),
		);
		$expected = "`\n### demo ###\n\nyes: true\nno: false\nzero: 0\nempty: undefined\nnothing: undefined\nnumber: 42\nlist: \n\ta: 1\n\tb: two\n\n`";
		$this->assertSame( $expected, Supportbot_Connector_Site_Report::format( $info ) );
	}

	public function test_malformed_debug_data_gives_a_report_instead_of_an_error(): void {
		$info = array(
			'not-an-array' => 'oops',
			7              => array( 'fields' => 'not a list' ),
			'broken'       => array(
				'fields' => array(
					'object'      => array( 'value' => new stdClass() ),
					'nested'      => array( 'value' => array( 'deep' => array( 'deeper' => 1 ), 'ok' => 'fine' ) ),
					'string'      => 'not a field',
					"new\nline"   => array( 'value' => 'v' ),
					'nul'         => array( 'value' => "a\0b" ),
					'bad_utf8'    => array( 'value' => "caf\xE9" ),
					'stringable'  => array( 'value' => new class() {
						public function __toString() {
							return 'as text';
						}
					} ),
				),
			),
		);
		$report = Supportbot_Connector_Site_Report::format( $info );
		$this->assertStringContainsString( "### broken ###\n", $report );
		$this->assertStringContainsString( "nested: \n\tok: fine\n", $report );
		$this->assertStringContainsString( "new line: v\n", $report );
		$this->assertStringContainsString( "nul: ab\n", $report );
		$this->assertStringContainsString( "stringable: as text\n", $report );
		$this->assertStringNotContainsString( 'object:', $report );
		$this->assertStringNotContainsString( 'oops', $report );
		$this->assertSame( 1, preg_match( '//u', $report ), 'valid UTF-8' );
		$this->assertSame( "`\n`", Supportbot_Connector_Site_Report::format( 'not even an array' ) );
	}

	public function test_a_huge_report_is_shortened_to_fit_one_message(): void {
		add_filter(
			'debug_information',
			static function ( $info ) {
				$fields = array();
				for ( $i = 0; $i < 20000; $i++ ) {
					$fields[ 'entry_' . $i ] = array( 'value' => str_repeat( 'x', 50 ) );
				}
				$info['their-huge-section'] = array( 'fields' => $fields );
				$info['wp-core']['fields']['huge_value'] = array( 'value' => str_repeat( 'é', 400000 ) );
				return $info;
			}
		);
		$report = Supportbot_Connector_Site_Report::for_this_site( 20000 );
		$this->assertLessThanOrEqual( 20000, strlen( $report ) );
		$this->assertStringNotContainsString( 'their-huge-section', $report );
		$this->assertStringContainsString( "version: " . get_bloginfo( 'version' ) . "\n", $report );
		$active = count( (array) get_option( 'active_plugins' ) );
		$this->assertStringContainsString( "### wp-plugins-active ($active) ###\n", $report );
		$this->assertStringContainsString( "\nphp_version: ", $report );
		$this->assertMatchesRegularExpression( '/^huge_value: é{100,}…$/mu', $report );
		$this->assertSame( 1, preg_match( '//u', $report ), 'cut on a character boundary' );
	}

	public function test_even_the_kept_sections_are_cut_to_the_limit_line_by_line(): void {
		$fields = array();
		for ( $i = 0; $i < 500; $i++ ) {
			$fields[ 'Plugin ' . $i ] = array( 'value' => 'version: 1.0, author: Someone' );
		}
		$info   = array(
			'wp-core'           => array( 'fields' => array( 'version' => array( 'value' => '6.1' ) ) ),
			'wp-plugins-active' => array(
				'show_count' => true,
				'fields'     => $fields,
			),
		);
		$report = Supportbot_Connector_Site_Report::format( $info, 2000 );
		$this->assertLessThanOrEqual( 2000, strlen( $report ) );
		$this->assertStringStartsWith( "`\n### wp-core ###\n\nversion: 6.1\n\n### wp-plugins-active (500) ###\n\nPlugin 0: version: 1.0", $report );
		$this->assertStringEndsWith( "author: Someone\n\n`", $report );
	}

	public function test_a_debug_information_filter_that_throws_does_not_block_the_report(): void {
		add_filter(
			'debug_information',
			static function () {
				throw new RuntimeException( 'a broken plugin' );
			}
		);
		$logged = ini_set( 'error_log', '/dev/null' );
		try {
			$report = Supportbot_Connector_Site_Report::for_this_site();
		} finally {
			ini_set( 'error_log', (string) $logged );
		}
		$this->assertStringContainsString( "### wp-core ###\n", $report );
	}
}
