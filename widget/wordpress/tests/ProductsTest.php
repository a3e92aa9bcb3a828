<?php
/**
 * Product registrations through the `supportbot_connector_products` filter, and the licence
 * identity the Help page passes on.
 *
 * @package SupportbotConnector
 */

use PHPUnit\Framework\TestCase;

/**
 * Supportbot_Connector_Products and Supportbot_Connector_Licence.
 */
final class ProductsTest extends TestCase {

	public function test_this_site_registers_appointpress_with_the_version_from_its_header(): void {
		$products = Supportbot_Connector_Products::all();
		$this->assertSame( '3.3.0', $products['appointpress']['version'] );
		$this->assertSame( 'appointpress', $products['appointpress']['parent_menu'] );
		$this->assertSame( 'manage_options', $products['appointpress']['capability'] );
	}

	public function test_a_registration_is_made_safe(): void {
		$product = Supportbot_Connector_Products::normalise(
			'Polder',
			array(
				'name'        => '<b>Polder</b>',
				'version'     => '2.0.1<script>',
				'server'      => 'javascript:alert(1)',
				'parent_menu' => '"><script>',
			)
		);
		$this->assertSame( 'polder', $product['slug'] );
		$this->assertSame( 'Polder', $product['name'] );
		$this->assertSame( '', $product['version'] );
		$this->assertSame( '', $product['server'] );
		$this->assertSame( 'tools.php', $product['parent_menu'] );
	}

	public function test_registrations_that_name_no_product_are_ignored(): void {
		$this->assertNull( Supportbot_Connector_Products::normalise( 0, array( 'name' => 'x' ) ) );
		$this->assertNull( Supportbot_Connector_Products::normalise( '../x', array() ) );
		$this->assertNull( Supportbot_Connector_Products::normalise( 'x', 'not an array' ) );
		$filter = static function () {
			return 'not a list';
		};
		add_filter( 'supportbot_connector_products', $filter, 99 );
		try {
			$this->assertSame( array(), Supportbot_Connector_Products::all() );
		} finally {
			remove_filter( 'supportbot_connector_products', $filter, 99 );
		}
	}

	public function test_the_licence_identity_is_what_supportbot_stores(): void {
		// SHA-256 of the key trimmed and upper-cased, as bot.core.licence_keys.licence_key_hash.
		$identity = Supportbot_Connector_Licence::identity( "  ap-7f3k-92xq-lm4t\n" );
		$this->assertSame( hash( 'sha256', 'AP-7F3K-92XQ-LM4T' ), $identity['hash'] );
		$this->assertSame( 'LM4T', $identity['last4'] );
		foreach ( array( '', 'short', array( 'x' ), null, 'has spaces in it', str_repeat( 'A', 201 ) ) as $bad ) {
			$this->assertNull( Supportbot_Connector_Licence::identity( $bad ) );
		}
	}
}
