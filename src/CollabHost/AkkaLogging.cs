using Akka.Hosting;
using Akka.Hosting.Logging;
using AkkaLogLevel = Akka.Event.LogLevel;

namespace CollabHost;

/// <summary>
/// One log stream: Akka's log events (cluster, remoting, sharding, journal, our actors) go through the host's
/// <see cref="ILoggerFactory"/> (Akka.Hosting's LoggerFactoryLogger), all under the category
/// <c>Akka.Actor.ActorSystem</c> with the source (<c>Cluster</c>, an actor's path) in the message, so the
/// <c>Logging:</c> levels (<c>Logging:LogLevel:Akka</c>), filters, providers and the console formatter
/// (<c>Logging:Console:FormatterName=json</c>) apply to them as to ASP.NET Core's own lines.
/// </summary>
public static class AkkaLogging
{
    /// <summary>Akka logs through ILogger, at the lowest level any <c>Logging:LogLevel</c> rule could let through for its categories.</summary>
    public static AkkaConfigurationBuilder WithHostLogging(this AkkaConfigurationBuilder builder, IConfiguration configuration) =>
        builder.ConfigureLoggers(loggers =>
        {
            // Akka drops events below its own level before they are made, which is what keeps debug logging cheap; the
            // ILogger filters then decide per category. So Akka's level is the lowest that could pass a filter.
            loggers.LogLevel = LowestAkkaLevel(configuration.GetSection("Logging:LogLevel"));
            loggers.ClearLoggers();
            loggers.AddLoggerFactory();
        });

    /// <summary>The Akka level for the lowest of <c>Default</c> and the rules for Akka's category (keys starting with <c>Akka</c>).</summary>
    public static AkkaLogLevel LowestAkkaLevel(IConfigurationSection levels)
    {
        LogLevel lowest = LogLevel.Information;
        bool any = false;
        foreach (IConfigurationSection rule in levels.GetChildren())
        {
            bool applies = rule.Key == "Default" || rule.Key.StartsWith("Akka", StringComparison.Ordinal);
            if (!applies || !Enum.TryParse(rule.Value, ignoreCase: true, out LogLevel level)) continue;
            lowest = any ? (LogLevel)Math.Min((int)lowest, (int)level) : level;
            any = true;
        }
        return lowest switch
        {
            LogLevel.Trace or LogLevel.Debug => AkkaLogLevel.DebugLevel,
            LogLevel.Information => AkkaLogLevel.InfoLevel,
            LogLevel.Warning => AkkaLogLevel.WarningLevel,
            _ => AkkaLogLevel.ErrorLevel,
        };
    }
}
