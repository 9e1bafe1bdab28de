using CollabHost;
using CollabHost.ReadModel;
using CollabHost.Security;

// `CollabHost token ...` mints a development access token and exits.
if (args.Length > 0 && args[0] == DevTokenCommand.Name) return DevTokenCommand.Run(args[1..], Console.Out, Console.Error);
// `CollabHost rebuild-read-model` drops the read model and builds it again from the journal, and exits.
if (args.Length > 0 && args[0] == RebuildReadModelCommand.Name) return RebuildReadModelCommand.Run(args[1..], Console.Out, Console.Error);

// The host reads as a list of what it has; CollabHostApp builds it so tests can start the same host in-process.
var app = CollabHostApp.Build(args);
await app.RunAsync();
return 0;
