<?php
/**
 * Plugin Name:       Supportbot Connector
 * Description:       Shows the Supportbot chat widget on this site, and gives products that bundle the connector a Help page with the chat in wp-admin.
 * Version:           1.0.0
 * Requires at least: 6.1
 * Requires PHP:      7.4
 * Author:            New Media Entertainment
 * License:           GPL-2.0-or-later
 * License URI:       https://www.gnu.org/licenses/gpl-2.0.html
 * Text Domain:       supportbot-connector
 * Domain Path:       /languages
 *
 * @package SupportbotConnector
 */

defined( 'ABSPATH' ) || exit;

// As a plugin, the connector also shows the widget on this site (Settings > Supportbot).
if ( ! defined( 'SUPPORTBOT_CONNECTOR_PLUGIN_FILE' ) ) {
	define( 'SUPPORTBOT_CONNECTOR_PLUGIN_FILE', __FILE__ );
}

require_once __DIR__ . '/load.php';
