<?php
/**
 * Settings > Supportbot on the vendor's own site: the server address and the widget's looks.
 *
 * @package SupportbotConnector
 */

defined( 'ABSPATH' ) || exit;

/**
 * The settings page and the notice while no server is set.
 */
final class Supportbot_Connector_Settings_Page {

	const PAGE  = 'supportbot-connector';
	const GROUP = 'supportbot_connector';

	/**
	 * Hook the page in.
	 */
	public static function hook() {
		add_action( 'admin_init', array( __CLASS__, 'register' ) );
		add_action( 'admin_menu', array( __CLASS__, 'add_page' ) );
		add_action( 'admin_notices', array( __CLASS__, 'missing_server_notice' ) );
		add_filter( 'plugin_action_links_' . plugin_basename( SUPPORTBOT_CONNECTOR_PLUGIN_FILE ), array( __CLASS__, 'action_links' ) );
	}

	/**
	 * The option, sanitised by `Supportbot_Connector_Settings::sanitize`.
	 */
	public static function register() {
		register_setting(
			self::GROUP,
			Supportbot_Connector_Settings::OPTION,
			array(
				'type'              => 'array',
				'sanitize_callback' => array( 'Supportbot_Connector_Settings', 'sanitize' ),
				'default'           => Supportbot_Connector_Settings::defaults(),
				'show_in_rest'      => false,
			)
		);
	}

	/**
	 * Settings > Supportbot.
	 */
	public static function add_page() {
		add_options_page(
			__( 'Supportbot Connector', 'supportbot-connector' ),
			__( 'Supportbot', 'supportbot-connector' ),
			'manage_options',
			self::PAGE,
			array( __CLASS__, 'render' )
		);
	}

	/**
	 * A "Settings" link next to "Deactivate" on the Plugins screen.
	 *
	 * @param array<string> $links The plugin's action links.
	 * @return array<string>
	 */
	public static function action_links( $links ) {
		$url = admin_url( 'options-general.php?page=' . self::PAGE );
		array_unshift( $links, '<a href="' . esc_url( $url ) . '">' . esc_html__( 'Settings', 'supportbot-connector' ) . '</a>' );
		return $links;
	}

	/**
	 * On the dashboard, the Plugins screen and our page: no server means no widget.
	 */
	public static function missing_server_notice() {
		$screen = function_exists( 'get_current_screen' ) ? get_current_screen() : null;
		if ( ! current_user_can( 'manage_options' ) || null === $screen || ! in_array( $screen->id, array( 'dashboard', 'plugins', 'settings_page_' . self::PAGE ), true ) ) {
			return;
		}
		$settings = Supportbot_Connector_Settings::get();
		if ( '' !== $settings['url'] ) {
			return;
		}
		$url = admin_url( 'options-general.php?page=' . self::PAGE );
		echo '<div class="notice notice-warning"><p>';
		echo esc_html__( 'Supportbot Connector: no Supportbot server is set, so your site shows no chat widget.', 'supportbot-connector' ) . ' ';
		echo '<a href="' . esc_url( $url ) . '">' . esc_html__( 'Enter its address', 'supportbot-connector' ) . '</a>';
		echo '</p></div>';
	}

	/**
	 * The form.
	 */
	public static function render() {
		if ( ! current_user_can( 'manage_options' ) ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to access this page.', 'supportbot-connector' ), '', array( 'response' => 403 ) );
		}
		$settings = Supportbot_Connector_Settings::get();
		$name     = Supportbot_Connector_Settings::OPTION;
		?>
		<div class="wrap">
			<h1><?php esc_html_e( 'Supportbot Connector', 'supportbot-connector' ); ?></h1>
			<?php self::render_connection( $settings['url'] ); ?>
			<form method="post" action="options.php">
				<?php settings_fields( self::GROUP ); ?>
				<table class="form-table" role="presentation">
					<tr>
						<th scope="row"><label for="supportbot-url"><?php esc_html_e( 'Supportbot address', 'supportbot-connector' ); ?></label></th>
						<td>
							<input type="url" class="regular-text code" id="supportbot-url" name="<?php echo esc_attr( $name ); ?>[url]" value="<?php echo esc_attr( $settings['url'] ); ?>" placeholder="https://support.example.com">
							<p class="description"><?php esc_html_e( 'The address of your Supportbot server. Leave it empty to show no widget.', 'supportbot-connector' ); ?></p>
						</td>
					</tr>
					<tr>
						<th scope="row"><label for="supportbot-lang"><?php esc_html_e( 'Language', 'supportbot-connector' ); ?></label></th>
						<td>
							<select id="supportbot-lang" name="<?php echo esc_attr( $name ); ?>[lang]">
								<option value="auto" <?php selected( $settings['lang'], 'auto' ); ?>><?php esc_html_e( 'The page’s language', 'supportbot-connector' ); ?></option>
								<option value="nl" <?php selected( $settings['lang'], 'nl' ); ?>><?php esc_html_e( 'Dutch', 'supportbot-connector' ); ?></option>
								<option value="en" <?php selected( $settings['lang'], 'en' ); ?>><?php esc_html_e( 'English', 'supportbot-connector' ); ?></option>
							</select>
							<p class="description"><?php esc_html_e( 'The widget’s own words. The bot answers in the language the visitor writes in.', 'supportbot-connector' ); ?></p>
						</td>
					</tr>
					<tr>
						<th scope="row"><label for="supportbot-position"><?php esc_html_e( 'Position', 'supportbot-connector' ); ?></label></th>
						<td>
							<select id="supportbot-position" name="<?php echo esc_attr( $name ); ?>[position]">
								<option value="right" <?php selected( $settings['position'], 'right' ); ?>><?php esc_html_e( 'Bottom right', 'supportbot-connector' ); ?></option>
								<option value="left" <?php selected( $settings['position'], 'left' ); ?>><?php esc_html_e( 'Bottom left', 'supportbot-connector' ); ?></option>
							</select>
						</td>
					</tr>
					<tr>
						<th scope="row"><label for="supportbot-color"><?php esc_html_e( 'Colour', 'supportbot-connector' ); ?></label></th>
						<td>
							<input type="text" class="small-text code" id="supportbot-color" name="<?php echo esc_attr( $name ); ?>[color]" value="<?php echo esc_attr( $settings['color'] ); ?>" placeholder="#2455c3" maxlength="7">
							<p class="description"><?php esc_html_e( 'The button and header colour, as #rrggbb. Empty: the widget’s blue.', 'supportbot-connector' ); ?></p>
						</td>
					</tr>
					<tr>
						<th scope="row"><label for="supportbot-greeting"><?php esc_html_e( 'Greeting', 'supportbot-connector' ); ?></label></th>
						<td>
							<input type="text" class="large-text" id="supportbot-greeting" name="<?php echo esc_attr( $name ); ?>[greeting]" value="<?php echo esc_attr( $settings['greeting'] ); ?>" maxlength="<?php echo esc_attr( (string) Supportbot_Connector_Settings::MAX_GREETING ); ?>">
							<p class="description"><?php esc_html_e( 'The first line in the widget. Empty: the widget’s own greeting.', 'supportbot-connector' ); ?></p>
						</td>
					</tr>
				</table>
				<p class="description"><?php esc_html_e( 'To favour one product on a page or post, choose it in the “Supportbot” box when you edit that page.', 'supportbot-connector' ); ?></p>
				<?php submit_button(); ?>
			</form>
		</div>
		<?php
	}

	/**
	 * Whether the configured server answers and accepts this site.
	 *
	 * @param string $server The configured address, or ''.
	 */
	private static function render_connection( $server ) {
		if ( '' === $server ) {
			return;
		}
		$status  = Supportbot_Connector_Server_Check::status( $server, '', Supportbot_Connector_Server_Check::origin_of( home_url() ) );
		$message = Supportbot_Connector_Server_Check::message( $status, $server );
		if ( '' === $message ) {
			echo '<div class="notice notice-success inline"><p>' . esc_html__( 'The Supportbot server answers and accepts this site.', 'supportbot-connector' ) . '</p></div>';
			return;
		}
		if ( Supportbot_Connector_Server_Check::REFUSED === $status['state'] ) {
			$message .= ' ' . __( 'Add this site to SUPPORTBOT_WIDGET_ORIGINS on the server.', 'supportbot-connector' );
		}
		echo '<div class="notice notice-error inline"><p>' . esc_html( $message ) . '</p></div>';
	}
}
