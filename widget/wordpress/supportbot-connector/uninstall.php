<?php
/**
 * Deleting the plugin removes what it stored: its settings, the product chosen per page, and
 * the cached server checks, on every site of a network.
 *
 * @package SupportbotConnector
 */

defined( 'WP_UNINSTALL_PLUGIN' ) || exit;

/**
 * Remove the connector's data from the current site.
 */
function supportbot_connector_uninstall_site() {
	global $wpdb;
	delete_option( 'supportbot_connector_settings' );
	delete_post_meta_by_key( '_supportbot_connector_product' );
	$like = $wpdb->esc_like( '_transient_supportbot_connector_' ) . '%';
	$also = $wpdb->esc_like( '_transient_timeout_supportbot_connector_' ) . '%';
	// phpcs:ignore WordPress.DB.DirectDatabaseQuery -- transients have no delete-by-prefix API
	$wpdb->query( $wpdb->prepare( "DELETE FROM {$wpdb->options} WHERE option_name LIKE %s OR option_name LIKE %s", $like, $also ) );
}

if ( is_multisite() ) {
	foreach ( get_sites( array( 'fields' => 'ids' ) ) as $supportbot_connector_site ) {
		switch_to_blog( (int) $supportbot_connector_site );
		supportbot_connector_uninstall_site();
		restore_current_blog();
	}
} else {
	supportbot_connector_uninstall_site();
}
