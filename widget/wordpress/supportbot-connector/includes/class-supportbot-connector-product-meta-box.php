<?php
/**
 * The "Supportbot" box on the edit screen: which product a page or post is about, so the
 * widget on it favours that product's answers.
 *
 * @package SupportbotConnector
 */

defined( 'ABSPATH' ) || exit;

/**
 * The per-page product.
 */
final class Supportbot_Connector_Product_Meta_Box {

	const META_KEY = '_supportbot_connector_product';
	const NONCE    = 'supportbot_connector_product_nonce';
	const FIELD    = 'supportbot_connector_product';

	/**
	 * Hook the box in.
	 */
	public static function hook() {
		add_action( 'add_meta_boxes', array( __CLASS__, 'add' ) );
		add_action( 'save_post', array( __CLASS__, 'save' ), 10, 2 );
	}

	/**
	 * The box, on every public post type.
	 */
	public static function add() {
		add_meta_box( 'supportbot-connector-product', __( 'Supportbot', 'supportbot-connector' ), array( __CLASS__, 'render' ), array_values( get_post_types( array( 'public' => true ) ) ), 'side' );
	}

	/**
	 * The field.
	 *
	 * @param WP_Post $post The post being edited.
	 */
	public static function render( $post ) {
		wp_nonce_field( 'supportbot_connector_product_' . $post->ID, self::NONCE );
		$value = (string) get_post_meta( $post->ID, self::META_KEY, true );
		?>
		<p>
			<label for="supportbot-connector-product"><?php esc_html_e( 'Product (its Supportbot slug)', 'supportbot-connector' ); ?></label>
			<input type="text" class="widefat code" id="supportbot-connector-product" name="<?php echo esc_attr( self::FIELD ); ?>" value="<?php echo esc_attr( $value ); ?>" placeholder="polder" maxlength="100">
		</p>
		<p class="description"><?php esc_html_e( 'The chat on this page favours this product. Empty: none.', 'supportbot-connector' ); ?></p>
		<?php
	}

	/**
	 * Store the slug (valid ones only) when the box was on the form and the user may edit.
	 *
	 * @param int     $post_id The post.
	 * @param WP_Post $post    The post.
	 */
	public static function save( $post_id, $post = null ) {
		if ( ! isset( $_POST[ self::NONCE ] ) || ! wp_verify_nonce( sanitize_text_field( wp_unslash( $_POST[ self::NONCE ] ) ), 'supportbot_connector_product_' . $post_id ) ) {
			return;
		}
		if ( ( defined( 'DOING_AUTOSAVE' ) && DOING_AUTOSAVE ) || wp_is_post_revision( $post_id ) || ! current_user_can( 'edit_post', $post_id ) ) {
			return;
		}
		$slug = isset( $_POST[ self::FIELD ] ) ? Supportbot_Connector_Settings::product_slug( sanitize_text_field( wp_unslash( $_POST[ self::FIELD ] ) ) ) : '';
		if ( '' === $slug ) {
			delete_post_meta( $post_id, self::META_KEY );
		} else {
			update_post_meta( $post_id, self::META_KEY, $slug );
		}
	}
}
