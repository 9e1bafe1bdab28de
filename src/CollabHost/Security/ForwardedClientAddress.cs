using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace CollabHost.Security;

/// <summary>
/// Behind a reverse proxy the TCP peer is the proxy; the client's address is what the proxy appended to
/// X-Forwarded-For. ASP.NET Core's forwarded-headers middleware puts it in <c>Connection.RemoteIpAddress</c> for
/// requests from <see cref="ConnectionLimitOptions.TrustedProxies"/> only, so the per-address limit and the logs see
/// the client, and a client that sends the header itself changes nothing.
/// </summary>
public static class ForwardedClientAddress
{
    /// <summary>The middleware's options for these proxies; throws on an entry that is not an address or a network.</summary>
    public static ForwardedHeadersOptions Options(IEnumerable<string> trustedProxies)
    {
        // Only the last hop is believed (ForwardLimit 1): the entry our proxy appended. Earlier entries were written
        // by whoever sent the request.
        var options = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor, ForwardLimit = 1 };
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (string entry in trustedProxies)
        {
            if (IPAddress.TryParse(entry, out IPAddress? address)) options.KnownProxies.Add(address);
            else if (System.Net.IPNetwork.TryParse(entry, out System.Net.IPNetwork network)) options.KnownIPNetworks.Add(network);
            else throw new InvalidOperationException(
                $"Collab:Limits:TrustedProxies entry '{entry}' is neither an IP address nor a network such as 10.0.0.0/8.");
        }
        return options;
    }

    /// <summary>Whether <paramref name="address"/> is one of the proxies in <paramref name="options"/>.</summary>
    public static bool IsTrusted(ForwardedHeadersOptions options, IPAddress address) =>
        options.KnownProxies.Contains(address) || options.KnownIPNetworks.Any(network => network.Contains(address));
}
