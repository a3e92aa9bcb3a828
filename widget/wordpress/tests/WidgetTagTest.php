<?php
/**
 * The widget's script tag: enqueued, async, options as escaped data-* attributes.
 *
 * @package SupportbotConnector
 */

use PHPUnit\Framework\TestCase;

/**
 * Supportbot_Connector_Widget_Tag.
 */
final class WidgetTagTest extends TestCase {

	public function test_options_become_escaped_data_attributes_and_async(): void {
		$tag  = "<script src='https://support.example.com/widget.js' id='supportbot-widget-js'></script>\n";
		$html = Supportbot_Connector_Widget_Tag::add_attributes(
			$tag,
			array(
				'lang'     => 'nl',
				'greeting' => 'Hi "friend" <script>',
			)
		);
		$this->assertSame( "<script async data-lang=\"nl\" data-greeting=\"Hi &quot;friend&quot; &lt;script&gt;\" src='https://support.example.com/widget.js' id='supportbot-widget-js'></script>\n", $html );
	}

	public function test_a_tag_that_loads_async_or_deferred_already_gets_no_second_async(): void {
		$html = Supportbot_Connector_Widget_Tag::add_attributes( '<script defer src="x.js"></script>', array() );
		$this->assertSame( '<script defer src="x.js"></script>', $html );
	}

	public function test_inline_scripts_around_the_tag_are_left_alone(): void {
		$tag  = "<script id='a-before'>var a = 1;</script>\n<script src='w.js'></script>";
		$html = Supportbot_Connector_Widget_Tag::add_attributes( $tag, array( 'product' => 'polder' ) );
		$this->assertSame( "<script id='a-before'>var a = 1;</script>\n<script async data-product=\"polder\" src='w.js'></script>", $html );
	}

	public function test_only_our_handle_is_changed(): void {
		$this->assertSame( '<script src="jquery.js"></script>', Supportbot_Connector_Widget_Tag::filter_tag( '<script src="jquery.js"></script>', 'jquery' ) );
	}

	public function test_the_admin_language_is_dutch_for_every_dutch_locale(): void {
		foreach ( array( 'nl_NL', 'nl_BE', 'nl_NL_formal' ) as $locale ) {
			$this->assertSame( 'nl', Supportbot_Connector_Widget_Tag::language_for_locale( $locale ) );
		}
		foreach ( array( 'en_US', 'de_DE', 'fr_FR', '' ) as $locale ) {
			$this->assertSame( 'en', Supportbot_Connector_Widget_Tag::language_for_locale( $locale ) );
		}
	}
}
