namespace Livechat.Server.Workspace;

/// <summary>
/// Serves the agent workspace (src/Livechat.Console, Blazor WebAssembly) at <c>/</c>. Its files come from the static
/// web assets manifest (the console project's build output under <c>dotnet run</c>, <c>wwwroot/</c> after publish):
/// fingerprinted files under <c>/_framework</c> with a year's immutable cache, <c>index.html</c> with <c>no-cache</c>,
/// compressed copies chosen by <c>Accept-Encoding</c>. Any other path outside the server's own prefixes falls back to
/// <c>index.html</c>, so the console's routes survive a reload.
/// </summary>
public static class ConsoleHosting
{
    /// <summary>The server's own path prefixes: never the console, even when nothing there matches.</summary>
    static readonly string[] ServerPrefixes = ["/websocket", "/livechat", "/docs", "/openapi", "/health", "/avatar", "/_framework"];

    /// <summary>
    /// Reads the build's static web assets manifest whatever the environment (it is absent after publish, where the
    /// files are in <c>wwwroot/</c>), so <c>dotnet run</c> serves the console outside Development too.
    /// </summary>
    public static WebApplicationBuilder AddConsole(this WebApplicationBuilder builder)
    {
        builder.WebHost.UseStaticWebAssets();
        return builder;
    }

    public static IEndpointRouteBuilder MapConsole(this IEndpointRouteBuilder app)
    {
        var manifest = Path.Combine(AppContext.BaseDirectory, "Livechat.Server.staticwebassets.endpoints.json");
        if (File.Exists(manifest))
        {
            app.MapStaticAssets(manifest);
        }
        foreach (var prefix in ServerPrefixes)
        {
            app.MapFallback(prefix + "/{**path}", () => Results.NotFound()).ExcludeFromDescription();
        }
        app.MapFallbackToFile("index.html", new StaticFileOptions
        {
            OnPrepareResponse = context => context.Context.Response.Headers.CacheControl = "no-cache",
        }).ExcludeFromDescription();
        return app;
    }
}
