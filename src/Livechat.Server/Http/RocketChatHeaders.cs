namespace Livechat.Server.Http;

public static class RocketChatHeaders
{
    /// <summary>
    /// Rocket.Chat's response headers on /api/: exactly <c>application/json</c> (no charset; its test clients compare
    /// the whole header) and no caching. <c>OPTIONS</c> answers 200 <c>OK</c> on any path.
    /// </summary>
    public static IApplicationBuilder UseRocketChatHeaders(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (HttpMethods.IsOptions(context.Request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = "text/plain";
            await context.Response.WriteAsync("OK");
            return;
        }
        if (context.Request.Path.StartsWithSegments("/api"))
        {
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                if (context.Response.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) == true)
                {
                    context.Response.ContentType = "application/json";
                }
                headers.CacheControl = "no-store";
                headers.Pragma = "no-cache";
                return Task.CompletedTask;
            });
        }
        await next(context);
        // Endpoint routing answers a known path with another method by a bare 405; Rocket.Chat clients expect the 404 envelope.
        if (context.Response.StatusCode == StatusCodes.Status405MethodNotAllowed && !context.Response.HasStarted
            && context.Request.Path.StartsWithSegments("/api"))
        {
            await ApiError.NotFound("Resource not found").ExecuteAsync(context);
        }
    });

    /// <summary>Unknown routes and unsupported methods under /api answer the 404 envelope.</summary>
    public static IEndpointRouteBuilder MapFallbackToNotFoundEnvelope(this IEndpointRouteBuilder app)
    {
        app.MapFallback("/api/{**path}", () => ApiError.NotFound("Resource not found")).ExcludeFromDescription();
        return app;
    }
}
