using CollabHost;

// The host reads as a list of what it has; CollabHostApp builds it so tests can start the same host in-process.
var app = CollabHostApp.Build(args);
await app.RunAsync();
