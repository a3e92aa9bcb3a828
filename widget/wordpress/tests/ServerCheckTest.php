<?php
/**
 * The server check against the real Supportbot server of the pytest run
 * (SUPPORTBOT_TEST_SERVER_URL, started with the connector allowance on and no listed sites).
 *
 * @package SupportbotConnector
 */

use PHPUnit\Framework\TestCase;

/**
 * Supportbot_Connector_Server_Check.
 */
final class ServerCheckTest extends TestCase {

	const CUSTOMER = 'https://shop.customer.example';

	private function server(): string {
		$url = getenv( 'SUPPORTBOT_TEST_SERVER_URL' );
		if ( ! $url ) {
			$this->markTestSkipped( 'SUPPORTBOT_TEST_SERVER_URL is not set' );
		}
		return $url;
	}

	public function test_a_customer_site_may_chat_about_a_product(): void {
		$status = Supportbot_Connector_Server_Check::probe( $this->server(), 'appointpress', self::CUSTOMER );
		$this->assertSame( Supportbot_Connector_Server_Check::OK, $status['state'] );
		$this->assertSame( '', Supportbot_Connector_Server_Check::message( $status, $this->server() ) );
	}

	public function test_an_unknown_product_or_none_is_refused(): void {
		foreach ( array( '', 'not-our-product' ) as $product ) {
			$status = Supportbot_Connector_Server_Check::probe( $this->server(), $product, self::CUSTOMER );
			$this->assertSame( Supportbot_Connector_Server_Check::REFUSED, $status['state'] );
			$this->assertStringContainsString( 'does not accept chats from ' . self::CUSTOMER, Supportbot_Connector_Server_Check::message( $status, $this->server() ) );
		}
	}

	public function test_an_unreachable_server_is_reported(): void {
		$down = Supportbot_Connector_Server_Check::probe( 'http://127.0.0.1:9', 'appointpress', self::CUSTOMER );
		$this->assertSame( Supportbot_Connector_Server_Check::UNREACHABLE, $down['state'] );
		$this->assertStringContainsString( 'cannot reach the support server at http://127.0.0.1:9', Supportbot_Connector_Server_Check::message( $down, 'http://127.0.0.1:9' ) );
		$wrong = Supportbot_Connector_Server_Check::probe( $this->server() . '/not-supportbot', 'appointpress', self::CUSTOMER );
		$this->assertSame( Supportbot_Connector_Server_Check::UNREACHABLE, $wrong['state'] );
		$this->assertStringStartsWith( 'HTTP 404', $wrong['detail'] );
	}

	public function test_the_verdict_is_cached(): void {
		$server = 'http://127.0.0.1:9';
		$key    = 'supportbot_connector_check_' . md5( $server . '|appointpress|' . self::CUSTOMER );
		delete_transient( $key );
		$first = Supportbot_Connector_Server_Check::status( $server, 'appointpress', self::CUSTOMER );
		$this->assertSame( $first, get_transient( $key ) );
		set_transient(
			$key,
			array(
				'state'  => 'ok',
				'detail' => '',
			),
			60
		);
		$this->assertSame( 'ok', Supportbot_Connector_Server_Check::status( $server, 'appointpress', self::CUSTOMER )['state'] );
		delete_transient( $key );
	}

	public function test_the_origin_is_what_a_browser_sends(): void {
		$this->assertSame( 'https://example.com', Supportbot_Connector_Server_Check::origin_of( 'https://Example.com/wp-admin/' ) );
		$this->assertSame( 'http://127.0.0.1:8080', Supportbot_Connector_Server_Check::origin_of( 'http://127.0.0.1:8080/x?y' ) );
		$this->assertSame( '', Supportbot_Connector_Server_Check::origin_of( 'not a url' ) );
	}
}
