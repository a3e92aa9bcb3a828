<?php
/**
 * Settings sanitising: hostile input never reaches the page, bad values keep the old ones and
 * tell the admin why.
 *
 * @package SupportbotConnector
 */

use PHPUnit\Framework\TestCase;

/**
 * Supportbot_Connector_Settings.
 */
final class SettingsTest extends TestCase {

	const GOOD = array(
		'url'      => 'https://support.example.com',
		'lang'     => 'nl',
		'position' => 'left',
		'color'    => '#aa3300',
		'greeting' => 'Hallo!',
	);

	protected function setUp(): void {
		update_option( Supportbot_Connector_Settings::OPTION, self::GOOD );
		$GLOBALS['wp_settings_errors'] = array();
	}

	protected function tearDown(): void {
		delete_option( Supportbot_Connector_Settings::OPTION );
		$GLOBALS['wp_settings_errors'] = array();
	}

	private function error_codes(): array {
		return array_column( get_settings_errors( Supportbot_Connector_Settings::OPTION ), 'code' );
	}

	public function test_good_values_are_kept_as_given(): void {
		$this->assertSame( self::GOOD, Supportbot_Connector_Settings::sanitize( self::GOOD ) );
		$this->assertSame( array(), $this->error_codes() );
	}

	public function test_script_tags_do_not_survive_in_the_greeting(): void {
		$clean = Supportbot_Connector_Settings::sanitize( array( 'greeting' => '<script>alert(1)</script>Hi <b>there</b>"><img src=x onerror=alert(2)>' ) );
		$this->assertStringNotContainsString( '<', $clean['greeting'] ); // no tag can survive
		$this->assertStringStartsWith( 'Hi there', $clean['greeting'] ); // the rest is text, escaped on output
	}

	public function test_a_long_greeting_is_cut_to_what_the_widget_shows(): void {
		$clean = Supportbot_Connector_Settings::sanitize( array( 'greeting' => str_repeat( 'é', 5000 ) ) );
		$this->assertSame( 300, mb_strlen( $clean['greeting'] ) );
	}

	/**
	 * @dataProvider bad_urls
	 */
	public function test_a_bad_address_keeps_the_old_one_and_says_why( $url ): void {
		$clean = Supportbot_Connector_Settings::sanitize( array( 'url' => $url ) );
		$this->assertSame( self::GOOD['url'], $clean['url'] );
		$this->assertSame( array( 'supportbot-connector-url' ), $this->error_codes() );
	}

	public function bad_urls(): array {
		return array(
			'script'      => array( 'javascript:alert(1)' ),
			'data'        => array( 'data:text/html,<script>alert(1)</script>' ),
			'no scheme'   => array( 'support.example.com' ),
			'credentials' => array( 'https://user:secret@support.example.com' ),
			'ftp'         => array( 'ftp://support.example.com' ),
			'huge'        => array( 'https://' . str_repeat( 'a', 600 ) . '.example' ),
		);
	}

	public function test_the_address_is_stored_as_a_base_url(): void {
		$clean = Supportbot_Connector_Settings::sanitize( array( 'url' => ' HTTPS://Support.Example.com:8443/bot/?x=1#top ' ) );
		$this->assertSame( 'https://support.example.com:8443/bot', $clean['url'] );
		$this->assertSame( '', Supportbot_Connector_Settings::sanitize( array( 'url' => '' ) )['url'] );
	}

	public function test_bad_choices_fall_back_to_the_defaults(): void {
		$clean = Supportbot_Connector_Settings::sanitize(
			array(
				'lang'     => 'xx"><script>',
				'position' => array( 'left' ),
				'color'    => 'red; background: url(x)',
			)
		);
		$this->assertSame( 'auto', $clean['lang'] );
		$this->assertSame( 'left', $clean['position'] ); // not a string: the old value stays
		$this->assertSame( '#aa3300', $clean['color'] );
		$this->assertSame( array( 'supportbot-connector-color' ), $this->error_codes() );
	}

	public function test_input_that_is_no_form_keeps_everything(): void {
		$this->assertSame( self::GOOD, Supportbot_Connector_Settings::sanitize( 'not an array' ) );
		$this->assertSame( self::GOOD, Supportbot_Connector_Settings::sanitize( null ) );
	}

	public function test_a_corrupt_stored_option_reads_as_valid_settings(): void {
		update_option(
			Supportbot_Connector_Settings::OPTION,
			array(
				'url'   => 'javascript:alert(1)',
				'color' => '<b>',
				'extra' => 'ignored',
			)
		);
		$settings = Supportbot_Connector_Settings::get();
		$this->assertSame( array_keys( Supportbot_Connector_Settings::defaults() ), array_keys( $settings ) );
		$this->assertSame( '', $settings['url'] );
		$this->assertSame( '', $settings['color'] );
		update_option( Supportbot_Connector_Settings::OPTION, 'a string' );
		$this->assertSame( Supportbot_Connector_Settings::defaults(), Supportbot_Connector_Settings::get() );
	}

	public function test_saving_through_the_settings_api_sanitises(): void {
		Supportbot_Connector_Settings_Page::register(); // what admin_init does
		update_option( Supportbot_Connector_Settings::OPTION, array( 'greeting' => '<script>x</script>Hoi', 'url' => 'javascript:x' ) );
		$stored = get_option( Supportbot_Connector_Settings::OPTION );
		$this->assertSame( 'Hoi', $stored['greeting'] );
		$this->assertSame( self::GOOD['url'], $stored['url'] );
	}

	public function test_product_slugs_are_checked(): void {
		$this->assertSame( 'polder', Supportbot_Connector_Settings::product_slug( ' Polder ' ) );
		$this->assertSame( 'mail-magnet_2', Supportbot_Connector_Settings::product_slug( 'mail-magnet_2' ) );
		foreach ( array( '', '-x', 'a b', '../etc', '<script>', str_repeat( 'a', 101 ), array( 'x' ), null ) as $bad ) {
			$this->assertSame( '', Supportbot_Connector_Settings::product_slug( $bad ) );
		}
	}
}
