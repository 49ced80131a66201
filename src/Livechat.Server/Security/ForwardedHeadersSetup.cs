using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;
using IPNetwork = System.Net.IPNetwork;

namespace Livechat.Server.Security;

/// <summary>
/// Which callers may say who the client is. <c>X-Forwarded-For</c>, <c>X-Forwarded-Proto</c> and <c>X-Forwarded-Host</c> are honoured only from
/// the proxies in <c>ForwardedHeaders:KnownProxies</c> (IP addresses) and <c>ForwardedHeaders:KnownNetworks</c> (CIDR
/// ranges); none by default, so a direct caller cannot choose its address. ASP.NET Core's forwarded-headers middleware
/// then sets <c>Connection.RemoteIpAddress</c>, the one client address the rate limiter and login blocking use, and
/// <c>Request.Scheme</c> / <c>Request.Host</c>, which the widget's server URL and the CORS same-origin check read.
/// </summary>
public static class ForwardedHeadersSetup
{
    public static IServiceCollection AddTrustedProxies(this IServiceCollection services, IConfiguration config)
    {
        services.AddOptions<ForwardedHeadersOptions>().Configure(o =>
        {
            var proxies = Parse(config, "ForwardedHeaders:KnownProxies", text => IPAddress.TryParse(text, out var ip) ? ip : null);
            var networks = Parse(config, "ForwardedHeaders:KnownNetworks", text => IPNetwork.TryParse(text, out var net) ? net : (IPNetwork?)null);
            // With no known proxy and no known network the middleware would trust every caller, so then it reads nothing.
            o.ForwardedHeaders = proxies.Count + networks.Count == 0 ? ForwardedHeaders.None : ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
            // The framework trusts loopback by default; here only what is configured counts.
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            // Walks back through every configured proxy in the chain and stops at the first address that is not one.
            o.ForwardLimit = null;
            foreach (var proxy in proxies) o.KnownProxies.Add(proxy);
            foreach (var network in networks) o.KnownIPNetworks.Add(network!.Value);
        }).ValidateOnStart();   // a wrong address stops the server with one line naming the key (Operations/Commands.cs)
        return services;
    }

    static List<T> Parse<T>(IConfiguration config, string key, Func<string, T?> parse) =>
        (config.GetSection(key).Get<string[]>() ?? []).Select(text => parse(text.Trim())
            ?? throw new OptionsValidationException(key, typeof(ForwardedHeadersOptions), [$"{key}: \"{text}\" is not a valid value"])).ToList();

    /// <summary>The client's address: the socket's, or the one a configured proxy forwarded.</summary>
    public static string ClientIp(HttpContext context) => context.Connection.RemoteIpAddress switch
    {
        null => "unknown",
        { IsIPv4MappedToIPv6: true } mapped => mapped.MapToIPv4().ToString(),
        var ip => ip.ToString(),
    };
}
