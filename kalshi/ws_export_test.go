package kalshi

// AsyncAPIExamples are the data messages of Kalshi's AsyncAPI document
// followed by messages the Stream ignores, for the loopback tests in
// package kalshi_test.
var AsyncAPIExamples = []string{exUserOrder, exFill, exTicker, exPosition, exTrade, exSubscribed, exOK, exOKList}
