using Microsoft.Extensions.Primitives;

namespace CollabHost.Security;

/// <summary>
/// The host names this server answers to: ASP.NET Core's <c>AllowedHosts</c> setting (names separated by ';',
/// <c>*.example.com</c> for subdomains, <c>*</c> for any), enforced on every request by its host filtering middleware
/// (400 for another Host header). When nothing is configured only loopback names are accepted: a page on
/// <c>evil.example</c> whose name was rebound to 127.0.0.1 (DNS rebinding) then reaches nothing, since the browser
/// still sends <c>Host: evil.example</c>. A deployment lists its public names.
/// </summary>
public static class AllowedHosts
{
    /// <summary>The configuration key ASP.NET Core's host filtering reads.</summary>
    public const string Key = "AllowedHosts";

    public const string LoopbackDefault = "localhost;127.0.0.1;[::1]";

    /// <summary>Puts the loopback default in place when the configuration names no hosts; returns the list in force.</summary>
    public static IReadOnlyList<string> ApplyDefault(IConfiguration configuration)
    {
        if (string.IsNullOrWhiteSpace(configuration[Key])) configuration[Key] = LoopbackDefault;
        return Parse(configuration[Key]!);
    }

    public static IReadOnlyList<string> Parse(string hosts) =>
        hosts.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>True when <paramref name="host"/> (a name or address, without port) is one of <paramref name="allowed"/>, with host filtering's rules.</summary>
    public static bool Matches(string host, IReadOnlyList<string> allowed) =>
        HostString.MatchesAny(new StringSegment(host), allowed.Select(a => new StringSegment(a)).ToList());
}
