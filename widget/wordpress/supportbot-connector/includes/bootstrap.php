<?php
/**
 * Loads the newest copy's classes and hooks them in (run once, by load.php).
 *
 * @package SupportbotConnector
 */

defined( 'ABSPATH' ) || exit;

require_once __DIR__ . '/class-supportbot-connector-licence.php';
require_once __DIR__ . '/class-supportbot-connector-widget-tag.php';
require_once __DIR__ . '/class-supportbot-connector-settings.php';
require_once __DIR__ . '/class-supportbot-connector-settings-page.php';
require_once __DIR__ . '/class-supportbot-connector-site-widget.php';
require_once __DIR__ . '/class-supportbot-connector-product-meta-box.php';
require_once __DIR__ . '/class-supportbot-connector-products.php';
require_once __DIR__ . '/class-supportbot-connector-server-check.php';
require_once __DIR__ . '/class-supportbot-connector-site-report.php';
require_once __DIR__ . '/class-supportbot-connector-help-page.php';
require_once __DIR__ . '/class-supportbot-connector.php';

Supportbot_Connector::boot();
