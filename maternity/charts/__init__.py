"""Charts drawn on the server as SVG, for the midwives' pages and the portal: the SFH chart and the reports'
bar charts."""
