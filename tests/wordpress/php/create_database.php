<?php
/**
 * Creates (or with "drop", drops) the test site's database. Plain PHP: WordPress cannot load
 * before its database exists. Arguments: host, port, user, password, database, [drop].
 * With the database name "-", it only checks that the server answers.
 */

mysqli_report( MYSQLI_REPORT_ERROR | MYSQLI_REPORT_STRICT );
list( , $host, $port, $user, $password, $name ) = $argv;
if ( '-' === $name ) {
	$db = new mysqli( $host, $user, $password, '', (int) $port );
	echo $db->server_info, "\n";
	exit( 0 );
}
if ( ! preg_match( '/^[A-Za-z0-9_]{1,64}$/', $name ) ) {
	fwrite( STDERR, "bad database name\n" );
	exit( 2 );
}
$db = new mysqli( $host, $user, $password, '', (int) $port );
if ( isset( $argv[6] ) && 'drop' === $argv[6] ) {
	$db->query( "DROP DATABASE IF EXISTS `$name`" );
} else {
	$db->query( "CREATE DATABASE IF NOT EXISTS `$name` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci" );
}
