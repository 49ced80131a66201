using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Livechat.Server.Tests.Infrastructure;

/// <summary>
/// Requests from a given socket address. The in-memory test server has no sockets and reports no remote address by
/// itself; Kestrel always reports one, which is what these clients give the pipeline.
/// </summary>
public static class ClientAddress
{
    public static ApiClient From(this WebApplicationFactory<Program> factory, string ip)
    {
        var address = IPAddress.Parse(ip);
        var handler = factory.Server.CreateHandler(context => context.Connection.RemoteIpAddress = address);
        return new ApiClient(new HttpClient(handler) { BaseAddress = factory.Server.BaseAddress });
    }

    /// <summary>A second server process on the same database that trusts these proxies and networks.</summary>
    public static WebApplicationFactory<Program> BehindProxies(this LivechatServerFactory factory, string[] proxies, string[] networks) =>
        factory.WithWebHostBuilder(builder =>
        {
            for (var i = 0; i < proxies.Length; i++) builder.UseSetting($"ForwardedHeaders:KnownProxies:{i}", proxies[i]);
            for (var i = 0; i < networks.Length; i++) builder.UseSetting($"ForwardedHeaders:KnownNetworks:{i}", networks[i]);
        });
}
