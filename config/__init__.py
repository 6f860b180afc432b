"""The site: settings (all from the environment), the root URLs, and the WSGI/ASGI entry points. It sits
above the apps (maternity, spine, portal, loadtools) and only wires them together."""
