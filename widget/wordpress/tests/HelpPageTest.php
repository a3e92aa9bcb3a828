<?php
/**
 * The Help page's AJAX call that builds the report: nonce, capabilities, a known product; and
 * the per-page product box, which must not store anything without a nonce and the right user.
 *
 * @package SupportbotConnector
 */

use PHPUnit\Framework\TestCase;

/**
 * What wp_die() does in these tests (in AJAX it would end the request).
 */
final class Supportbot_Test_Died extends Exception {
}

/**
 * Supportbot_Connector_Help_Page::ajax_site_info and Supportbot_Connector_Product_Meta_Box::save.
 */
final class HelpPageTest extends TestCase {

	/**
	 * A subscriber, created for the test.
	 *
	 * @var int
	 */
	private $subscriber;

	protected function setUp(): void {
		add_filter( 'wp_doing_ajax', '__return_true' );
		add_filter( 'wp_die_ajax_handler', array( $this, 'die_handler' ) );
		$this->subscriber = wp_insert_user(
			array(
				'user_login' => 'subscriber-' . wp_generate_password( 6, false ),
				'user_pass'  => wp_generate_password(),
				'role'       => 'subscriber',
			)
		);
	}

	protected function tearDown(): void {
		remove_filter( 'wp_doing_ajax', '__return_true' );
		remove_filter( 'wp_die_ajax_handler', array( $this, 'die_handler' ) );
		wp_delete_user( $this->subscriber );
		wp_set_current_user( 0 );
		$_POST    = array();
		$_REQUEST = array();
	}

	public function die_handler() {
		return static function ( $message ) {
			throw new Supportbot_Test_Died( is_scalar( $message ) ? (string) $message : '' );
		};
	}

	/**
	 * Call the AJAX handler as `$user` with `$fields`; what it printed, and wp_die's message.
	 */
	private function ajax( int $user, array $fields ): array {
		wp_set_current_user( $user );
		$_POST    = $fields;
		$_REQUEST = $fields;
		ob_start();
		$died = null;
		try {
			Supportbot_Connector_Help_Page::ajax_site_info();
		} catch ( Supportbot_Test_Died $end ) {
			$died = $end->getMessage();
		}
		return array( (string) ob_get_clean(), $died );
	}

	private function nonce_for( int $user ): string {
		wp_set_current_user( $user );
		return wp_create_nonce( Supportbot_Connector_Help_Page::AJAX_ACTION );
	}

	public function test_an_admin_gets_the_report(): void {
		list( $output ) = $this->ajax(
			1,
			array(
				'_ajax_nonce' => $this->nonce_for( 1 ),
				'product'     => 'appointpress',
			)
		);
		$answer = json_decode( $output, true );
		$this->assertTrue( $answer['success'] );
		$this->assertStringStartsWith( "`\n### wp-core ###\n", $answer['data']['report'] );
	}

	public function test_without_a_valid_nonce_nothing_is_built(): void {
		list( $output, $died ) = $this->ajax( 1, array( 'product' => 'appointpress' ) );
		$this->assertSame( '-1', $died );
		$this->assertSame( '', $output );
		list( $output, $died ) = $this->ajax( 1, array( '_ajax_nonce' => 'forged', 'product' => 'appointpress' ) );
		$this->assertSame( '-1', $died );
	}

	public function test_a_user_who_may_not_see_site_health_gets_no_report(): void {
		list( $output ) = $this->ajax(
			$this->subscriber,
			array(
				'_ajax_nonce' => $this->nonce_for( $this->subscriber ),
				'product'     => 'appointpress',
			)
		);
		$answer = json_decode( $output, true );
		$this->assertFalse( $answer['success'] );
		$this->assertStringNotContainsString( 'wp-core', $output );
	}

	public function test_an_unknown_product_gets_no_report(): void {
		list( $output ) = $this->ajax(
			1,
			array(
				'_ajax_nonce' => $this->nonce_for( 1 ),
				'product'     => '<script>',
			)
		);
		$answer = json_decode( $output, true );
		$this->assertFalse( $answer['success'] );
		$this->assertStringNotContainsString( '<script>', $output );
	}

	public function test_the_product_box_stores_a_slug_only_with_nonce_and_permission(): void {
		remove_filter( 'wp_doing_ajax', '__return_true' );
		wp_set_current_user( 1 );
		$post = wp_insert_post(
			array(
				'post_title'  => 'AppointPress documentation',
				'post_status' => 'publish',
				'post_type'   => 'page',
			)
		);
		$field = Supportbot_Connector_Product_Meta_Box::FIELD;
		$nonce = Supportbot_Connector_Product_Meta_Box::NONCE;
		try {
			$_POST = array( $field => 'appointpress' );
			Supportbot_Connector_Product_Meta_Box::save( $post );
			$this->assertSame( '', get_post_meta( $post, Supportbot_Connector_Product_Meta_Box::META_KEY, true ), 'no nonce' );

			wp_set_current_user( $this->subscriber );
			$_POST = array(
				$field => 'appointpress',
				$nonce => wp_create_nonce( 'supportbot_connector_product_' . $post ),
			);
			Supportbot_Connector_Product_Meta_Box::save( $post );
			$this->assertSame( '', get_post_meta( $post, Supportbot_Connector_Product_Meta_Box::META_KEY, true ), 'may not edit' );

			wp_set_current_user( 1 );
			$_POST[ $nonce ] = wp_create_nonce( 'supportbot_connector_product_' . $post );
			Supportbot_Connector_Product_Meta_Box::save( $post );
			$this->assertSame( 'appointpress', get_post_meta( $post, Supportbot_Connector_Product_Meta_Box::META_KEY, true ) );

			$_POST[ $field ] = '"><script>alert(1)</script>';
			Supportbot_Connector_Product_Meta_Box::save( $post );
			$this->assertSame( '', get_post_meta( $post, Supportbot_Connector_Product_Meta_Box::META_KEY, true ), 'a bad slug clears it' );
		} finally {
			wp_delete_post( $post, true );
		}
	}
}
