namespace Livechat.Server.Hosting;

public static class HostingSetup
{
    /// <summary>
    /// Listens on http://localhost:3000, or on <c>PORT</c> as Rocket.Chat does; <c>ASPNETCORE_URLS</c> or <c>--urls</c>
    /// override the whole address.
    /// </summary>
    public static IWebHostBuilder UseLivechatAddress(this IWebHostBuilder host, IConfiguration config)
    {
        if (!string.IsNullOrEmpty(config["urls"]) || !string.IsNullOrEmpty(config["ASPNETCORE_URLS"]))
        {
            return host;
        }
        var port = config["PORT"] is { Length: > 0 } p ? p : "3000";
        return host.UseUrls($"http://localhost:{port}");
    }
}
