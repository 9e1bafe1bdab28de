using CollabHost;
using CollabHost.Security;

// `CollabHost token ...` mints a development access token and exits.
if (args.Length > 0 && args[0] == DevTokenCommand.Name) return DevTokenCommand.Run(args[1..], Console.Out, Console.Error);

// The host reads as a list of what it has; CollabHostApp builds it so tests can start the same host in-process.
var app = CollabHostApp.Build(args);
await app.RunAsync();
return 0;
