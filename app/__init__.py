"""Super Chart: OHLCV data in, TradingView-quality candlestick charts out."""
