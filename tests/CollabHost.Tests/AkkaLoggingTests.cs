using System.Text.Json;
using CollabHost.Tests.Security;
using CollabHost.Tests.Support;
using Microsoft.Extensions.Configuration;

namespace CollabHost.Tests;

/// <summary>Akka's log events (here: the cluster's) arrive through ASP.NET Core's logging pipeline, under its levels and formatter.</summary>
public class AkkaLoggingTests
{
    private const string AkkaCategory = "Akka.Actor.ActorSystem";

    [Fact]
    public async Task A_cluster_event_reaches_an_ILogger_provider_and_the_Logging_levels_decide_whether_Akka_lines_pass()
    {
        // Warnings by default, Information for Akka: the cluster's member-Up line arrives, nothing below Information.
        await using (var host = await SecuredHost.StartAsync(false, "--Logging:LogLevel:Akka=Information"))
        {
            DateTime deadline = DateTime.UtcNow.AddSeconds(20);
            while (!host.Logs.Any(IsMemberUp) && DateTime.UtcNow < deadline) await Task.Delay(100);
            Assert.Contains(host.Logs, IsMemberUp);
            Assert.DoesNotContain(host.Logs, line => line.StartsWith("Debug " + AkkaCategory, StringComparison.Ordinal));
        }

        // Information by default, Warning for Akka: the host's own Information lines pass, Akka's do not.
        await using (var quiet = await SecuredHost.StartAsync(false, "--Logging:LogLevel:Default=Information", "--Logging:LogLevel:Akka=Warning"))
        {
            using var http = new HttpClient { BaseAddress = quiet.HttpUrl };
            await http.GetAsync("/api/docs/warmup/warmup"); // the document region answers: the cluster is up
            Assert.Contains(quiet.Logs, line => line.StartsWith("Information Microsoft.Hosting.Lifetime", StringComparison.Ordinal));
            Assert.DoesNotContain(quiet.Logs, line => line.StartsWith("Information " + AkkaCategory, StringComparison.Ordinal));
        }

        static bool IsMemberUp(string line) =>
            line.StartsWith("Information " + AkkaCategory, StringComparison.Ordinal) && line.Contains("to [Up]", StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_the_json_console_formatter_Akkas_lines_are_json_like_every_other()
    {
        using JournalStore store = JournalStore.Create(JournalStore.Sqlite);
        using HostProcess host = await HostProcess.StartAsync(HostProcess.FreePort(), store,
            "--Logging:LogLevel:Akka=Information", "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Information",
            "--Logging:Console:FormatterName=json");

        string[] lines = host.Output.Split('\n');
        JsonElement[] entries = lines
            .Where(line => line.TrimStart().StartsWith('{'))
            .Select(line => JsonDocument.Parse(line).RootElement.Clone())
            .ToArray();
        Assert.Contains(entries, e => e.GetProperty("Category").GetString() == AkkaCategory
                                      && e.GetProperty("Message").GetString()!.Contains("to [Up]", StringComparison.Ordinal)
                                      && e.GetProperty("LogLevel").GetString() == "Information");
        Assert.Contains(entries, e => e.GetProperty("Category").GetString() == "Microsoft.Hosting.Lifetime");
        Assert.All(lines.Where(line => line.Trim().Length > 0), line => Assert.StartsWith("{", line.TrimStart())); // nothing in another format
    }

    [Theory]
    [InlineData("Warning", null, Akka.Event.LogLevel.WarningLevel)]
    [InlineData("Warning", "Debug", Akka.Event.LogLevel.DebugLevel)]
    [InlineData("Information", null, Akka.Event.LogLevel.InfoLevel)]
    [InlineData("Error", "Warning", Akka.Event.LogLevel.WarningLevel)]
    [InlineData("Trace", "Error", Akka.Event.LogLevel.DebugLevel)]
    public void Akkas_own_level_is_the_lowest_a_Logging_rule_lets_through_for_its_categories(string defaultLevel, string? akkaLevel, Akka.Event.LogLevel expected)
    {
        var settings = new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = defaultLevel, ["Logging:LogLevel:Microsoft"] = "Trace" };
        if (akkaLevel is not null) settings["Logging:LogLevel:Akka"] = akkaLevel;
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        Assert.Equal(expected, AkkaLogging.LowestAkkaLevel(configuration.GetSection("Logging:LogLevel")));
    }
}
