using Livechat.Server.Http;
using Livechat.Server.Settings;

namespace Livechat.Server.Security;

/// <summary>
/// Browser-facing protections: <c>X-Content-Type-Options</c> and <c>X-Frame-Options</c> on every response, and CORS on
/// /api driven by Rocket.Chat's <c>API_Enable_CORS</c> / <c>API_CORS_Origin</c> settings.
/// </summary>
public static class SecurityHeaders
{
    /// <summary>Rocket.Chat's list, plus the headers of this server's opt-in extensions so cross-origin clients may send them.</summary>
    public const string AllowHeaders =
        "Origin, X-Requested-With, Content-Type, Accept, X-User-Id, X-Auth-Token, x-visitor-token, Authorization, If-Match, Idempotency-Key, Prefer";

    public const string AllowMethods = "GET, POST, PUT, DELETE, HEAD, PATCH";

    /// <summary>Response headers a cross-origin script may read (an ETag for If-Match, the rate limiter's counters).</summary>
    public const string ExposeHeaders = "ETag, Idempotent-Replayed, Preference-Applied, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset";

    /// <summary>
    /// <c>nosniff</c> everywhere; <c>X-Frame-Options: SAMEORIGIN</c> (Rocket.Chat's <c>Iframe_X_Frame_Options</c> default)
    /// everywhere except the website widget under /livechat, which other sites embed in an iframe. Set when the response
    /// starts, so the exception handler's reset of the headers does not lose them.
    /// </summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            if (!context.Request.Path.StartsWithSegments("/livechat"))
            {
                headers.XFrameOptions = "SAMEORIGIN";
            }
            return Task.CompletedTask;
        });
        return next(context);
    });

    /// <summary>
    /// Rocket.Chat's API CORS middleware. With <c>API_Enable_CORS</c> on, a request under /api that carries an
    /// <c>Origin</c> gets <c>Access-Control-Allow-*</c> headers: <c>*</c> when <c>API_CORS_Origin</c> is <c>*</c>,
    /// else the origin itself when it is in the comma-separated list (case-insensitively). An origin outside the list
    /// is refused with 403, as Rocket.Chat does, except the server's own origin (the widget it serves). Runs before
    /// the <c>OPTIONS</c> answer, so preflights get the same headers.
    /// </summary>
    public static IApplicationBuilder UseRocketChatCors(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var request = context.Request;
        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0 || !request.Path.StartsWithSegments("/api"))
        {
            await next(context);
            return;
        }
        var settings = context.RequestServices.GetRequiredService<SettingsStore>();
        if (!await settings.GetBoolAsync("API_Enable_CORS", context.RequestAborted))
        {
            await next(context);
            return;
        }
        var allowed = (await settings.GetStringAsync("API_CORS_Origin", context.RequestAborted)).Trim();
        string allowOrigin;
        if (allowed == "*")
        {
            allowOrigin = "*";
        }
        else if (allowed.Split(',').Any(o => string.Equals(o.Trim(), origin, StringComparison.OrdinalIgnoreCase)) || IsSameOrigin(request, origin))
        {
            allowOrigin = origin;
        }
        else
        {
            await CorsRefused().ExecuteAsync(context);
            return;
        }
        // When the response starts, so that error answers written by the exception handler keep them too.
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.AccessControlAllowOrigin = allowOrigin;
            headers.AccessControlAllowMethods = AllowMethods;
            headers.AccessControlAllowHeaders = AllowHeaders;
            headers.AccessControlExposeHeaders = ExposeHeaders;
            if (allowOrigin != "*")
            {
                headers.Vary = "Origin";
            }
            return Task.CompletedTask;
        });
        await next(context);
    });

    /// <summary>Rocket.Chat answers a bare <c>403 Forbidden</c>; here it is the envelope, as every 4xx is.</summary>
    public static ApiError CorsRefused() => ApiError.Custom(StatusCodes.Status403Forbidden, new System.Text.Json.Nodes.JsonObject
    {
        ["success"] = false,
        ["error"] = "Origin not allowed [error-cors-origin-not-allowed]",
        ["errorType"] = "error-cors-origin-not-allowed",
    });

    /// <summary>The browser's own origin (scheme aside, which a TLS-terminating proxy changes) is never cross-origin.</summary>
    static bool IsSameOrigin(HttpRequest request, string origin)
    {
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri)) return false;
        // Request.Host is the forwarded host only when a configured proxy sent it (Security/ForwardedHeadersSetup.cs).
        var host = request.Host.Value;
        return string.Equals(uri.Authority, host, StringComparison.OrdinalIgnoreCase)
            || (uri.IsDefaultPort && string.Equals(uri.Host, host, StringComparison.OrdinalIgnoreCase));
    }
}
