using Akka.Actor;
using Akka.Cluster;

namespace CollabHost;

/// <summary>
/// Liveness and readiness: `GET /healthz` answers while the process is up; `GET /readyz` answers 200 only while this
/// node is an Up member of its cluster, its journal answers a read, and it is not shutting down (503 otherwise, so a
/// load balancer sends new connections elsewhere).
/// </summary>
public static class HealthEndpoints
{
    /// <summary>How long the journal may take to answer the readiness read.</summary>
    private static readonly TimeSpan JournalProbeTimeout = TimeSpan.FromSeconds(3);

    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/healthz", () => Results.Text("ok"));
        endpoints.MapGet("/readyz", ReadinessAsync);
        return endpoints;
    }

    private static async Task<IResult> ReadinessAsync(ActorSystem system, IHostApplicationLifetime lifetime)
    {
        var problems = new List<string>();
        if (lifetime.ApplicationStopping.IsCancellationRequested) problems.Add("shutting down");
        MemberStatus status = Cluster.Get(system).SelfMember.Status;
        if (status != MemberStatus.Up) problems.Add($"cluster member is {status}");
        if (await JournalProblemAsync(system, JournalProbeTimeout) is { } journal) problems.Add(journal);
        return problems.Count == 0
            ? Results.Text("ready")
            : Results.Text("not ready: " + string.Join("; ", problems), statusCode: StatusCodes.Status503ServiceUnavailable);
    }

    /// <summary>Null when the journal answered within <paramref name="timeout"/>; otherwise what went wrong.</summary>
    private static async Task<string?> JournalProblemAsync(ActorSystem system, TimeSpan timeout)
    {
        var result = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        IActorRef probe = system.ActorOf(Props.Create(() => new JournalProbe(result)));
        if (await Task.WhenAny(result.Task, Task.Delay(timeout)) == result.Task) return await result.Task;
        probe.Tell(PoisonPill.Instance);
        return $"journal did not answer within {timeout.TotalSeconds:0} s";
    }
}
