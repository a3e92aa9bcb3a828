<?php
/**
 * Runs PHP code given on stdin inside the test site's WordPress (through boot.php) and prints
 * its return value as JSON. Used by the Python tests to set up and inspect the site.
 */

$supportbot_code = stream_get_contents( STDIN );
$supportbot_fn   = eval( 'return function () { ' . $supportbot_code . ' };' ); // phpcs:ignore Squiz.PHP.Eval -- test tool
echo wp_json_encode( $supportbot_fn() ), "\n";
