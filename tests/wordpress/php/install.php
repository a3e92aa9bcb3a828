<?php
/**
 * Installs WordPress with WordPress's own wp_install() (what wp-admin/install.php calls).
 * Run through boot.php with SUPPORTBOT_WP_INSTALLING=1; arguments: admin user, password.
 */

require_once ABSPATH . 'wp-admin/includes/upgrade.php';

$supportbot_result = wp_install( 'Supportbot test site', $argv[1], 'admin@example.com', true, '', wp_slash( $argv[2] ), 'en_US' );
update_option( 'permalink_structure', '/%postname%/' );
update_option( 'blogdescription', 'A WordPress site on Debian, for the connector tests' );
echo wp_json_encode( array( 'user_id' => $supportbot_result['user_id'] ) ), "\n";
