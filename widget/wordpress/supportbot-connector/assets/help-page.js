/*
 * Supportbot Connector: the Help page. Opens the chat, and only when the customer clicks
 * "Share my site information" fetches the Site Health report (admin-ajax, nonce) and sends it
 * as their message. No inline script and no strings here: texts come from data-* attributes.
 */
(function () {
	"use strict";

	var root = document.getElementById( "supportbot-connector-help" );
	if ( ! root || ! window.fetch ) {
		return;
	}
	var shareButton = root.querySelector( "[data-supportbot-share]" );
	var previewButton = root.querySelector( "[data-supportbot-preview]" );
	var status = root.querySelector( ".supportbot-connector-status" );
	var box = root.querySelector( "#supportbot-connector-report" );
	var report = null;
	var WAIT_FOR_WIDGET_MS = 10000;

	function text( name ) {
		return root.getAttribute( "data-text-" + name ) || "";
	}

	function say( message, isError ) {
		if ( ! status ) {
			return;
		}
		status.textContent = message;
		status.classList.toggle( "is-error", !! isError );
	}

	// widget.js loads async: wait until it has set up window.Supportbot (or give up).
	function whenWidget( callback ) {
		var started = Date.now();
		( function check() {
			var api = window.Supportbot;
			if ( api && typeof api.open === "function" ) {
				callback( api );
			} else if ( Date.now() - started > WAIT_FOR_WIDGET_MS ) {
				callback( null );
			} else {
				setTimeout( check, 200 );
			}
		}() );
	}

	function loadReport() {
		if ( report !== null ) {
			return Promise.resolve( report );
		}
		var body = new FormData();
		body.append( "action", root.getAttribute( "data-action" ) );
		body.append( "_ajax_nonce", root.getAttribute( "data-nonce" ) );
		body.append( "product", root.getAttribute( "data-product" ) );
		return fetch( root.getAttribute( "data-ajax-url" ), { method: "POST", credentials: "same-origin", body: body } )
			.then( function ( response ) {
				return response.json().catch( function () { return null; } ).then( function ( data ) {
					if ( ! response.ok || ! data || ! data.success || ! data.data || typeof data.data.report !== "string" ) {
						var why = data && data.data && data.data.message ? data.data.message : "HTTP " + response.status;
						throw new Error( why );
					}
					report = data.data.report;
					box.value = report;
					return report;
				} );
			} );
	}

	// What the customer sees in the box is what goes, including their own changes.
	function shared() {
		return box && ! box.hidden && box.value.trim() ? box.value : report;
	}

	whenWidget( function ( api ) {
		if ( api ) {
			api.open();
		} else {
			say( text( "unavailable" ), true );
		}
	} );

	if ( previewButton && box ) {
		previewButton.addEventListener( "click", function () {
			if ( ! box.hidden ) {
				box.hidden = true;
				previewButton.setAttribute( "aria-expanded", "false" );
				return;
			}
			say( text( "collecting" ) );
			loadReport().then( function () {
				box.hidden = false;
				previewButton.setAttribute( "aria-expanded", "true" );
				say( "" );
			} ).catch( function ( error ) {
				say( text( "failed" ) + " " + error.message, true );
			} );
		} );
	}

	if ( shareButton && box ) {
		shareButton.addEventListener( "click", function () {
			shareButton.disabled = true;
			say( text( "collecting" ) );
			loadReport().then( function () {
				whenWidget( function ( api ) {
					if ( api && typeof api.send === "function" ) {
						api.send( shared() );
						say( text( "shared" ) );
					} else {
						// An older widget without Supportbot.send: the customer pastes it.
						box.hidden = false;
						box.select();
						shareButton.disabled = false;
						say( text( "copy" ), true );
					}
				} );
			} ).catch( function ( error ) {
				shareButton.disabled = false;
				say( text( "failed" ) + " " + error.message, true );
			} );
		} );
	}
}() );
