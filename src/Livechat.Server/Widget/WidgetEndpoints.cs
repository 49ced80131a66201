using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.Options;

namespace Livechat.Server.Widget;

/// <summary><c>Widget:Path</c>: another copy of the widget's <c>build/</c> folder (empty: the one next to the binaries).</summary>
public sealed class WidgetOptions
{
    public string Path { get; set; } = "";
}

/// <summary>
/// Serves the official website widget (<c>@rocket.chat/livechat</c>'s <c>build/</c>, copied next to the binaries at
/// build time; livechat-endpoints §12) and the avatars it shows. These are pages, not /api routes.
/// </summary>
public static partial class WidgetEndpoints
{
    // GET /livechat                                  the widget's index.html with SERVER_URL injected
    // GET /livechat/{file}                           its files, rocketchat-livechat.min.js (the embed loader) among them
    // GET /avatar/{username}                         an SVG with the initial, as Rocket.Chat draws missing avatars
    public static IEndpointRouteBuilder MapWidget(this IEndpointRouteBuilder app)
    {
        string[] getOrHead = ["GET", "HEAD"];
        app.MapMethods("/livechat", getOrHead, Index).ExcludeFromDescription();
        app.MapMethods("/livechat/{**file}", getOrHead, File).ExcludeFromDescription();
        app.MapMethods("/avatar/{username}", getOrHead, Avatar).ExcludeFromDescription();
        // GET /sounds/chime.mp3: the new-message sound livechat/config names (resources.sound)
        app.MapMethods("/sounds/chime.mp3", getOrHead, () => TypedResults.Bytes(Chime.Wav, "audio/wav")).ExcludeFromDescription();
        return app;
    }

    /// <summary>The plain answer when the server was built without the widget (npm or the registry unreachable).</summary>
    public const string MissingMessage =
        "The Livechat widget is not installed on this server. Build src/Livechat.Server with npm and the npm registry reachable " +
        "(the build copies @rocket.chat/livechat's files next to the server), or set Widget:Path to a folder holding the " +
        "widget's build. See README.md, \"The website widget\".";

    static readonly FileExtensionContentTypeProvider ContentTypes = new();

    /// <summary>Where the widget's files are: <c>Widget:Path</c>, by default <c>livechat-widget/</c> next to the binaries.</summary>
    public static string WidgetFolder(IOptions<WidgetOptions> options) =>
        // Without a trailing separator, which would make File's containment check refuse every asset.
        Path.TrimEndingDirectorySeparator(options.Value.Path is { Length: > 0 } path ? Path.GetFullPath(path, AppContext.BaseDirectory)
            : Path.Combine(AppContext.BaseDirectory, "livechat-widget"));

    static async Task<Results<ContentHttpResult, RedirectHttpResult>> Index(HttpContext http, IOptions<WidgetOptions> config, CancellationToken ct)
    {
        if (http.Request.Path.Value?.EndsWith('/') == true)
        {
            // The page's relative asset paths ("livechat/…") only resolve from /livechat itself.
            return TypedResults.Redirect("/livechat" + http.Request.QueryString, permanent: true);
        }
        var index = Path.Combine(WidgetFolder(config), "index.html");
        if (!System.IO.File.Exists(index))
        {
            return TypedResults.Content(MissingMessage, "text/plain; charset=utf-8", Encoding.UTF8, StatusCodes.Status404NotFound);
        }
        var html = await System.IO.File.ReadAllTextAsync(index, ct);
        // Rocket.Chat's injection; the widget then talks to the server that served it, whatever its address.
        var script = $"<body><script> SERVER_URL = '{ServerUrl(http.Request)}'; </script>";
        http.Response.Headers.CacheControl = "no-cache";
        return TypedResults.Content(html.Replace("<body>", script, StringComparison.Ordinal), "text/html; charset=utf-8", Encoding.UTF8);
    }

    static Results<PhysicalFileHttpResult, RedirectHttpResult, ContentHttpResult> File(string? file, HttpRequest request, IOptions<WidgetOptions> config)
    {
        if (string.IsNullOrEmpty(file))
        {
            // The page's relative asset paths ("livechat/…") only resolve from /livechat itself.
            return TypedResults.Redirect("/livechat" + request.QueryString, permanent: true);
        }
        var root = WidgetFolder(config);
        var path = Path.GetFullPath(Path.Combine(root, file));
        if (!path.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal) || !System.IO.File.Exists(path))
        {
            return TypedResults.Content("Not found", "text/plain; charset=utf-8", Encoding.UTF8, StatusCodes.Status404NotFound);
        }
        if (!ContentTypes.TryGetContentType(path, out var type)) type = "application/octet-stream";
        return TypedResults.PhysicalFile(path, type, enableRangeProcessing: true);
    }

    /// <summary>
    /// The origin the page was requested from, without a trailing slash: the request's scheme and Host, which a configured
    /// proxy's X-Forwarded-Proto / X-Forwarded-Host set (Security/ForwardedHeadersSetup.cs); nobody else's headers count.
    /// Anything that is not a plain host[:port] becomes localhost, so a forged Host cannot write script into the page.
    /// </summary>
    public static string ServerUrl(HttpRequest request)
    {
        var host = request.Host.Value ?? "localhost";
        if (!HostPattern().IsMatch(host)) host = "localhost";
        return $"{request.Scheme}://{host}";
    }

    [GeneratedRegex(@"^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.\-]+)(:[0-9]{1,5})?$")]
    private static partial Regex HostPattern();

    static readonly string[] Colors = ["#F44336", "#E91E63", "#9C27B0", "#673AB7", "#3F51B5", "#2196F3", "#03A9F4", "#00BCD4",
        "#009688", "#4CAF50", "#8BC34A", "#CDDC39", "#FFC107", "#FF9800", "#FF5722", "#795548", "#9E9E9E", "#607D8B"];

    static ContentHttpResult Avatar(string username, HttpResponse response)
    {
        var initial = username.Length > 0 && char.IsLetterOrDigit(username[0]) ? char.ToUpperInvariant(username[0]).ToString() : "?";
        var color = Colors[SHA256.HashData(Encoding.UTF8.GetBytes(username))[0] % Colors.Length];
        response.Headers.CacheControl = "public, max-age=3600";
        var svg = $"""<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 200"><rect width="100%" height="100%" fill="{color}"/><text x="50%" y="50%" dy="0.36em" text-anchor="middle" fill="#ffffff" font-family="Helvetica, Arial, sans-serif" font-size="120">{initial}</text></svg>""";
        return TypedResults.Content(svg, "image/svg+xml", Encoding.UTF8);
    }
}
