"""The operator's offline jobs behind the CLI: the configuration report, exports, loyalty
imports."""
