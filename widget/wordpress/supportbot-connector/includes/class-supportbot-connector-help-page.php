<?php
/**
 * The Help page each registered product gets in the customer's wp-admin: the chat opens with
 * the product and its installed version preselected, in the admin's language. The Site Health
 * report is sent only after the customer clicks "Share my site information".
 *
 * @package SupportbotConnector
 */

defined( 'ABSPATH' ) || exit;

/**
 * Help pages, their assets and the AJAX call that builds the report.
 */
final class Supportbot_Connector_Help_Page {

	const AJAX_ACTION = 'supportbot_connector_site_info';
	const PAGE_PREFIX = 'supportbot-help-';

	/**
	 * Products by the hook suffix of their Help page.
	 *
	 * @var array<string, array<string, string>>
	 */
	private static $pages = array();

	/**
	 * Hook the pages in.
	 */
	public static function hook() {
		add_action( 'admin_menu', array( __CLASS__, 'add_pages' ), 99 );
		add_action( 'admin_enqueue_scripts', array( __CLASS__, 'enqueue' ) );
		add_action( 'wp_ajax_' . self::AJAX_ACTION, array( __CLASS__, 'ajax_site_info' ) );
	}

	/**
	 * One Help page per registered product, under the product's own menu.
	 */
	public static function add_pages() {
		foreach ( Supportbot_Connector_Products::all() as $product ) {
			$title = '' !== $product['menu_title'] ? $product['menu_title'] : __( 'Help', 'supportbot-connector' );
			$hook  = add_submenu_page(
				$product['parent_menu'],
				/* translators: %s: the product's name */
				sprintf( __( 'Help with %s', 'supportbot-connector' ), $product['name'] ),
				$title,
				$product['capability'],
				self::PAGE_PREFIX . $product['slug'],
				static function () use ( $product ) {
					Supportbot_Connector_Help_Page::render( $product );
				}
			);
			if ( is_string( $hook ) && '' !== $hook ) {
				self::$pages[ $hook ] = $product;
			}
		}
	}

	/**
	 * On a Help page: the widget (with the product preselected) and our script and styles.
	 *
	 * @param string $hook_suffix The admin page being loaded.
	 */
	public static function enqueue( $hook_suffix ) {
		if ( ! isset( self::$pages[ $hook_suffix ] ) ) {
			return;
		}
		$product = self::$pages[ $hook_suffix ];
		wp_enqueue_style( 'supportbot-connector-help', self::asset_url( 'assets/help-page.css' ), array(), SUPPORTBOT_CONNECTOR_VERSION );
		if ( '' === $product['server'] ) {
			return;
		}
		$licence = Supportbot_Connector_Licence::identity( apply_filters( 'supportbot_connector_licence_key', '', $product['slug'] ) );
		$options = array(
			'lang'    => apply_filters( 'supportbot_connector_language', Supportbot_Connector_Widget_Tag::language_for_locale( get_user_locale() ), $product['slug'] ),
			'product' => $product['slug'],
			'version' => $product['version'],
		);
		if ( null !== $licence ) {
			$options['licence-hash']  = $licence['hash'];
			$options['licence-last4'] = $licence['last4'];
		}
		Supportbot_Connector_Widget_Tag::enqueue( $product['server'], $options );
		wp_enqueue_script( 'supportbot-connector-help', self::asset_url( 'assets/help-page.js' ), array(), SUPPORTBOT_CONNECTOR_VERSION, true );
	}

	/**
	 * The page.
	 *
	 * @param array<string, string> $product The product (see Supportbot_Connector_Products).
	 */
	public static function render( array $product ) {
		if ( ! current_user_can( $product['capability'] ) ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to access this page.', 'supportbot-connector' ), '', array( 'response' => 403 ) );
		}
		$notice = self::server_notice( $product );
		?>
		<div class="wrap supportbot-connector-help" id="supportbot-connector-help"
			data-ajax-url="<?php echo esc_url( admin_url( 'admin-ajax.php' ) ); ?>"
			data-action="<?php echo esc_attr( self::AJAX_ACTION ); ?>"
			data-nonce="<?php echo esc_attr( wp_create_nonce( self::AJAX_ACTION ) ); ?>"
			data-product="<?php echo esc_attr( $product['slug'] ); ?>"
			data-text-collecting="<?php esc_attr_e( 'Collecting your site information…', 'supportbot-connector' ); ?>"
			data-text-shared="<?php esc_attr_e( 'Shared. Your site information is your message in the chat.', 'supportbot-connector' ); ?>"
			data-text-failed="<?php esc_attr_e( 'Your site information could not be collected:', 'supportbot-connector' ); ?>"
			data-text-unavailable="<?php esc_attr_e( 'The chat could not be loaded. Please try again later.', 'supportbot-connector' ); ?>"
			data-text-copy="<?php esc_attr_e( 'The chat cannot receive it directly: copy the text below and paste it into the chat.', 'supportbot-connector' ); ?>">
			<h1>
			<?php
			/* translators: %s: the product's name */
			echo esc_html( sprintf( __( 'Help with %s', 'supportbot-connector' ), $product['name'] ) );
			?>
			</h1>
			<hr class="wp-header-end">
			<?php if ( '' !== $notice ) : ?>
				<div class="notice notice-error inline"><p><?php echo esc_html( $notice ); ?></p></div>
			<?php endif; ?>
			<?php if ( '' !== $product['server'] ) : ?>
				<p class="supportbot-connector-intro">
				<?php
				if ( '' !== $product['version'] ) {
					/* translators: 1: the product's name, 2: its installed version */
					echo esc_html( sprintf( __( 'Ask your question in the chat. It already knows you use %1$s %2$s.', 'supportbot-connector' ), $product['name'], $product['version'] ) );
				} else {
					/* translators: %s: the product's name */
					echo esc_html( sprintf( __( 'Ask your question in the chat. It already knows you use %s.', 'supportbot-connector' ), $product['name'] ) );
				}
				?>
				</p>
				<?php self::render_consent( $product ); ?>
			<?php endif; ?>
			<p class="description supportbot-connector-version">
			<?php
			/* translators: %s: the connector's version */
			echo esc_html( sprintf( __( 'Supportbot Connector %s', 'supportbot-connector' ), SUPPORTBOT_CONNECTOR_VERSION ) );
			?>
			</p>
		</div>
		<?php
	}

	/**
	 * The consent step: what is shared, where it goes, and nothing until the click.
	 *
	 * @param array<string, string> $product The product.
	 */
	private static function render_consent( array $product ) {
		$host = wp_parse_url( $product['server'], PHP_URL_HOST );
		?>
		<section class="supportbot-connector-consent" aria-labelledby="supportbot-connector-consent-title">
			<h2 id="supportbot-connector-consent-title"><?php esc_html_e( 'Share your site information?', 'supportbot-connector' ); ?></h2>
			<p><?php esc_html_e( 'With your WordPress and PHP versions, your theme and your plugins, support can help you at once. It is the same text as Tools → Site Health → Info → “Copy site info to clipboard”. What WordPress marks as private stays out: your site’s address, the database name, user and host, and file locations.', 'supportbot-connector' ); ?></p>
			<p>
			<?php
			/* translators: %s: the support server's host name */
			echo esc_html( sprintf( __( 'Nothing is sent until you click the button. It then goes to %s as your message in the chat. You can look at it, and change it, first.', 'supportbot-connector' ), is_string( $host ) ? $host : $product['server'] ) );
			?>
			</p>
			<p class="supportbot-connector-buttons">
				<button type="button" class="button button-primary" data-supportbot-share><?php esc_html_e( 'Share my site information', 'supportbot-connector' ); ?></button>
				<button type="button" class="button" data-supportbot-preview aria-expanded="false" aria-controls="supportbot-connector-report"><?php esc_html_e( 'Show what is shared', 'supportbot-connector' ); ?></button>
			</p>
			<p class="supportbot-connector-status" role="status" aria-live="polite"></p>
			<label class="screen-reader-text" for="supportbot-connector-report"><?php esc_html_e( 'Your site information', 'supportbot-connector' ); ?></label>
			<textarea id="supportbot-connector-report" class="large-text code" rows="14" hidden></textarea>
		</section>
		<?php
	}

	/**
	 * Plain-text notice about the server, or ''.
	 *
	 * @param array<string, string> $product The product.
	 * @return string
	 */
	private static function server_notice( array $product ) {
		if ( '' === $product['server'] ) {
			/* translators: %s: the product's name */
			return sprintf( __( 'The Help chat is not set up: %s does not name a support server. Please tell its developer.', 'supportbot-connector' ), $product['name'] );
		}
		$origin = Supportbot_Connector_Server_Check::origin_of( admin_url() );
		$status = Supportbot_Connector_Server_Check::status( $product['server'], $product['slug'], $origin );
		return Supportbot_Connector_Server_Check::message( $status, $product['server'] );
	}

	/**
	 * AJAX: the Site Health report, for a user who may see Site Health and this product's page.
	 */
	public static function ajax_site_info() {
		check_ajax_referer( self::AJAX_ACTION );
		$slug     = isset( $_POST['product'] ) ? Supportbot_Connector_Settings::product_slug( sanitize_text_field( wp_unslash( $_POST['product'] ) ) ) : '';
		$products = Supportbot_Connector_Products::all();
		if ( ! isset( $products[ $slug ] ) ) {
			wp_send_json_error( array( 'message' => __( 'Unknown product.', 'supportbot-connector' ) ), 404 );
		}
		if ( ! current_user_can( $products[ $slug ]['capability'] ) || ! current_user_can( 'view_site_health_checks' ) ) {
			wp_send_json_error( array( 'message' => __( 'You may not see this site’s information.', 'supportbot-connector' ) ), 403 );
		}
		$max = (int) apply_filters( 'supportbot_connector_report_max_chars', Supportbot_Connector_Site_Report::MAX_CHARS );
		try {
			$report = Supportbot_Connector_Site_Report::for_this_site( $max > 0 ? $max : Supportbot_Connector_Site_Report::MAX_CHARS );
		} catch ( Throwable $error ) {
			// phpcs:ignore WordPress.PHP.DevelopmentFunctions.error_log_error_log -- the operator's only trace
			error_log( 'Supportbot Connector: the site information failed: ' . $error->getMessage() );
			wp_send_json_error( array( 'message' => __( 'WordPress could not collect it.', 'supportbot-connector' ) ), 500 );
		}
		wp_send_json_success( array( 'report' => $report ) );
	}

	/**
	 * The URL of one of our files, wherever the winning copy lives (a plugin or a theme).
	 *
	 * @param string $relative A path inside the library, such as assets/help-page.js.
	 * @return string
	 */
	public static function asset_url( $relative ) {
		$folder  = wp_normalize_path( SUPPORTBOT_CONNECTOR_DIR );
		$content = wp_normalize_path( WP_CONTENT_DIR );
		$plugins = wp_normalize_path( WP_PLUGIN_DIR );
		if ( 0 !== strpos( $folder, $plugins . '/' ) && 0 === strpos( $folder, $content . '/' ) ) {
			return content_url( substr( $folder, strlen( $content ) ) . '/' . $relative );
		}
		return plugins_url( $relative, $folder . '/load.php' );
	}
}
