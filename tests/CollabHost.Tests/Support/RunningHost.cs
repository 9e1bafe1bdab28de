using Akka.Actor;
using Akka.Hosting;
using CollabActors.Documents;
using CollabActors.Presence;
using CollabHost;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace CollabHost.Tests.Support;

/// <summary>
/// The real CollabHost started in-process on a free port of 127.0.0.1, with extra settings given as command-line
/// arguments ("--Collab:Connections:PingInterval=00:00:01"). Several may run at once: each has its own ActorSystem
/// on its own remoting port.
/// </summary>
public sealed class RunningHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RunningHost(WebApplication app) => _app = app;

    public static Task<RunningHost> StartAsync(params string[] settings) =>
        StartListeningAsync(["--urls", "http://127.0.0.1:0", .. settings]);

    /// <summary>A host serving TLS itself with <paramref name="certificate"/>: https and wss, HTTP/1.1 and HTTP/2.</summary>
    public static Task<RunningHost> StartTlsAsync(TestCertificate certificate, params string[] settings) =>
        StartListeningAsync(["--urls", "https://127.0.0.1:0", .. certificate.KestrelSettings, .. settings]);

    private static async Task<RunningHost> StartListeningAsync(string[] listenAndSettings)
    {
        WebApplication app = CollabHostApp.Build(["--Logging:LogLevel:Default=Warning", .. listenAndSettings]);
        await app.StartAsync();
        var host = new RunningHost(app);
        // The one-node cluster forms and the shard regions start after StartAsync: wait until a document answers.
        await host.StatusAsync("warmup", "warmup", TimeSpan.FromSeconds(20));
        return host;
    }

    public Uri HttpUrl => new(_app.Urls.First());

    public Uri WebSocketUrl => new($"{(HttpUrl.Scheme == "https" ? "wss" : "ws")}://{HttpUrl.Authority}/ws");

    public int Port => HttpUrl.Port;

    public ActorSystem System => _app.Services.GetRequiredService<ActorSystem>();

    /// <summary>The document's version and subscriber count, asked of its actor through the shard region.</summary>
    public async Task<DocumentReplies.DocumentStatus> StatusAsync(string collection, string id, TimeSpan? timeout = null)
    {
        IActorRef region = await _app.Services.GetRequiredService<IRequiredActor<DocumentRegion>>().GetAsync();
        return await region.Ask<DocumentReplies.DocumentStatus>(
            new DocumentCommands.GetStatus(new DocumentId(collection, id)), timeout ?? TimeSpan.FromSeconds(5));
    }

    /// <summary>How many subscribers a presence channel has, asked of it through the shard region.</summary>
    public async Task<int> PresenceSubscribersAsync(string channel)
    {
        IActorRef region = await _app.Services.GetRequiredService<IRequiredActor<PresenceRegion>>().GetAsync();
        var status = await region.Ask<PresenceReplies.ChannelStatus>(new PresenceCommands.GetStatus(channel), TimeSpan.FromSeconds(5));
        return status.Subscribers;
    }

    /// <summary>How many connection actors (/user/connection-*) answer an Identify within <paramref name="window"/>.</summary>
    public async Task<int> CountConnectionActorsAsync(TimeSpan window)
    {
        Inbox inbox = Inbox.Create(System);
        System.ActorSelection("/user/connection-*").Tell(new Identify("count"), inbox.Receiver);
        int count = 0;
        DateTime deadline = DateTime.UtcNow + window;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (await inbox.ReceiveAsync(deadline - DateTime.UtcNow) is ActorIdentity { Subject: not null }) count++;
            }
            catch (TimeoutException)
            {
                break;
            }
        }
        return count;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
