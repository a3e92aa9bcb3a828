"""The chat widget's server side: ``/widget.js``, ``/ws``, FAQ search, and the ``/demo/`` page.

``bot.channels.widget.routes.init_widget(app)`` is the one call that wires it into an app. The
protocol modules (``frames``, ``frame_budget``, ``session``) import without Flask routes.
"""
