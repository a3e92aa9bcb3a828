<?php
/**
 * Newest copy wins: products bundling different versions of the library load the newest one,
 * once, whatever the order WordPress includes them in. Each case runs in a fresh PHP process
 * with WordPress's real hook API (wp-includes/plugin.php), as a site would run it.
 *
 * @package SupportbotConnector
 */

use PHPUnit\Framework\TestCase;

/**
 * load.php.
 */
final class LoaderTest extends TestCase {

	/**
	 * A temporary folder with copies of the library, by version.
	 *
	 * @var string
	 */
	private $folder;

	protected function setUp(): void {
		$this->folder = sys_get_temp_dir() . '/supportbot-loader-' . uniqid();
		mkdir( $this->folder );
	}

	protected function tearDown(): void {
		$files = new RecursiveIteratorIterator( new RecursiveDirectoryIterator( $this->folder, FilesystemIterator::SKIP_DOTS ), RecursiveIteratorIterator::CHILD_FIRST );
		foreach ( $files as $file ) {
			$file->isDir() ? rmdir( $file->getPathname() ) : unlink( $file->getPathname() );
		}
		rmdir( $this->folder );
	}

	/**
	 * A copy of the library stamped with `$version`, in a product's folder.
	 */
	private function copy( string $product, string $version ): string {
		$target = $this->folder . '/' . $product . '/vendor/supportbot-connector';
		$files  = new RecursiveIteratorIterator( new RecursiveDirectoryIterator( SUPPORTBOT_CONNECTOR_DIR, FilesystemIterator::SKIP_DOTS ), RecursiveIteratorIterator::SELF_FIRST );
		mkdir( $target, 0777, true );
		foreach ( $files as $file ) {
			$to = $target . '/' . $files->getSubPathname();
			$file->isDir() ? mkdir( $to ) : copy( $file->getPathname(), $to );
		}
		$loader  = file_get_contents( $target . '/load.php' );
		$stamped = preg_replace( "/\\)\\(\\s*'[^']+',\\s*__DIR__\\s*\\);/", ")( '$version', __DIR__ );", $loader );
		$this->assertStringContainsString( "( '$version', __DIR__ );", $stamped );
		file_put_contents( $target . '/load.php', $stamped );
		return $target;
	}

	/**
	 * Include the loaders in order (`fire` runs after_setup_theme); what got loaded.
	 *
	 * @param string[] $steps Folders and `fire`.
	 * @return array{version: string, dir: string, copies: string[]}
	 */
	private function run_site( array $steps ): array {
		$script = $this->folder . '/site.php';
		file_put_contents(
			$script,
			'<?php
			define( "ABSPATH", ' . var_export( ABSPATH, true ) . ' );
			error_reporting( E_ALL );
			require ABSPATH . "wp-includes/plugin.php";
			foreach ( array_slice( $argv, 1 ) as $step ) {
				if ( "fire" === $step ) {
					do_action( "after_setup_theme" );
				} else {
					require $step . "/load.php";
				}
			}
			echo json_encode( array(
				"version" => SUPPORTBOT_CONNECTOR_VERSION,
				"dir"     => SUPPORTBOT_CONNECTOR_DIR,
				"copies"  => array_keys( $GLOBALS["supportbot_connector_copies"] ),
			) );'
		);
		$command = escapeshellarg( PHP_BINARY ) . ' ' . escapeshellarg( $script );
		foreach ( $steps as $step ) {
			$command .= ' ' . escapeshellarg( $step );
		}
		$output = array();
		exec( $command . ' 2>&1', $output, $status );
		$this->assertSame( 0, $status, implode( "\n", $output ) );
		$this->assertCount( 1, $output, 'no notices, warnings or errors: ' . implode( "\n", $output ) );
		return json_decode( $output[0], true );
	}

	public function test_the_newest_copy_wins_whichever_is_included_first(): void {
		$old = $this->copy( 'old-product', '1.0.0' );
		$new = $this->copy( 'new-product', '1.2.0' );
		foreach ( array( array( $old, $new ), array( $new, $old ) ) as $order ) {
			$loaded = $this->run_site( array_merge( $order, array( 'fire' ) ) );
			$this->assertSame( '1.2.0', $loaded['version'] );
			$this->assertSame( $new, $loaded['dir'] );
		}
	}

	public function test_versions_compare_as_versions_not_as_text(): void {
		$nine = $this->copy( 'a', '1.9.0' );
		$ten  = $this->copy( 'b', '1.10.0' );
		$beta = $this->copy( 'c', '1.10.0-beta1' );
		$this->assertSame( $ten, $this->run_site( array( $ten, $beta, $nine, 'fire' ) )['dir'] );
	}

	public function test_the_same_version_twice_loads_once(): void {
		$first  = $this->copy( 'first', '2.0.0' );
		$second = $this->copy( 'second', '2.0.0' );
		$loaded = $this->run_site( array( $first, $second, 'fire' ) );
		$this->assertSame( $first, $loaded['dir'] );
		$this->assertSame( array( '2.0.0' ), $loaded['copies'] );
	}

	public function test_a_copy_included_late_does_not_redeclare_anything(): void {
		$theme = $this->copy( 'early', '1.0.0' );
		$late  = $this->copy( 'late', '3.0.0' );
		$loaded = $this->run_site( array( $theme, 'fire', $late ) );
		$this->assertSame( '1.0.0', $loaded['version'] ); // the classes were loaded already
		$this->assertSame( array( '1.0.0', '3.0.0' ), $loaded['copies'] );
	}

	public function test_on_this_site_the_plugin_wins_over_the_older_bundled_copy(): void {
		$this->assertArrayHasKey( '0.9.0', $GLOBALS['supportbot_connector_copies'] );
		$this->assertStringEndsWith( '/plugins/supportbot-connector', wp_normalize_path( SUPPORTBOT_CONNECTOR_DIR ) );
	}
}
