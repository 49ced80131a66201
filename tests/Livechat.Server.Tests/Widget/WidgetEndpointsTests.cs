using Livechat.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;

namespace Livechat.Server.Tests.Widget;

/// <summary>The website widget's files: /livechat with SERVER_URL injected, its assets, and the answer without the widget.</summary>
public abstract class WidgetEndpointsTests<TFactory>(TFactory factory) : IClassFixture<TFactory>, IDisposable
    where TFactory : LivechatServerFactory
{
    readonly string _folder = Directory.CreateTempSubdirectory("livechat-widget-test").FullName;

    ApiClient WithWidgetAt(string folder) =>
        new(factory.WithWebHostBuilder(b => b.UseSetting("Widget:Path", folder)).CreateClient(new() { AllowAutoRedirect = false }));

    ApiClient Widget()
    {
        File.WriteAllText(Path.Combine(_folder, "index.html"),
            """<!doctype html><html><head></head><body><script src="livechat/bundle.js"></script></body></html>""");
        File.WriteAllText(Path.Combine(_folder, "bundle.js"), "console.log('widget');");
        File.WriteAllText(Path.Combine(_folder, "rocketchat-livechat.min.js"), "window.loader=1;");
        return WithWidgetAt(_folder);
    }

    [Fact]
    public async Task IndexInjectsTheOriginThePageWasRequestedFrom()
    {
        var api = Widget();
        // A second server on the same database that trusts the proxy at 10.9.9.9; requests come from that socket address.
        var proxy = factory.WithWebHostBuilder(b => b.UseSetting("Widget:Path", _folder)
            .UseSetting("ForwardedHeaders:KnownProxies:0", "10.9.9.9")).From("10.9.9.9");
        static HttpRequestMessage Forwarded(params (string Name, string Value)[] headers)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, "/livechat");
            foreach (var (name, value) in headers) request.Headers.Add(name, value);
            return request;
        }

        var direct = await api.GetAsync("/livechat");
        var spoofed = await api.SendAsync(Forwarded(("X-Forwarded-Proto", "https"), ("X-Forwarded-Host", "chat.example.com")));
        var proxied = await proxy.SendAsync(Forwarded(("X-Forwarded-For", "198.51.100.7"), ("X-Forwarded-Proto", "https"), ("X-Forwarded-Host", "chat.example.com")));
        var forged = await proxy.SendAsync(Forwarded(("X-Forwarded-For", "198.51.100.7"), ("X-Forwarded-Host", "x';alert(1);'")));

        Assert.Equal(200, direct.Code);
        Assert.Equal("text/html; charset=utf-8", direct.ContentHeaders!.ContentType!.ToString());
        Assert.Equal("""<!doctype html><html><head></head><body><script> SERVER_URL = 'http://localhost'; </script><script src="livechat/bundle.js"></script></body></html>""",
            direct.Body);
        // Only a configured proxy names the origin; a direct caller's forwarding headers are ignored.
        Assert.Contains("SERVER_URL = 'http://localhost';", spoofed.Body);
        Assert.Contains("SERVER_URL = 'https://chat.example.com';", proxied.Body);
        Assert.Contains("SERVER_URL = 'http://localhost';", forged.Body);
        Assert.False(direct.Headers.Contains("X-Frame-Options"));
    }

    [Fact]
    public async Task AssetsAndTheEmbedLoaderAreServedAndNothingOutsideTheFolder()
    {
        var api = Widget();

        var loader = await api.GetAsync("/livechat/rocketchat-livechat.min.js");
        var asset = await api.GetAsync("/livechat/bundle.js");
        var missing = await api.GetAsync("/livechat/nope.js");
        var escape = await api.GetAsync("/livechat/..%2F..%2F..%2Fetc%2Fpasswd");
        var slash = await api.GetAsync("/livechat/?mode=popout");

        Assert.Equal((200, "window.loader=1;"), (loader.Code, loader.Body));
        Assert.Equal("text/javascript", loader.ContentHeaders!.ContentType!.MediaType);
        Assert.Equal(200, asset.Code);
        Assert.Equal(404, missing.Code);
        Assert.Equal(404, escape.Code);
        Assert.Equal(301, slash.Code);
        Assert.Equal("/livechat?mode=popout", slash.Headers.Location!.ToString());
    }

    [Fact]
    public async Task AWidgetPathWithATrailingSlashServesItsAssets()
    {
        Widget();
        var api = WithWidgetAt(_folder + Path.DirectorySeparatorChar);

        var asset = await api.GetAsync("/livechat/bundle.js");

        Assert.Equal((200, "console.log('widget');"), (asset.Code, asset.Body));
    }

    [Fact]
    public async Task WithoutTheWidgetTheServerSaysSoPlainly()
    {
        var api = WithWidgetAt(Path.Combine(_folder, "absent"));

        var index = await api.GetAsync("/livechat");
        var info = await api.GetAsync("/api/info");

        Assert.Equal(404, index.Code);
        Assert.Equal("text/plain; charset=utf-8", index.ContentHeaders!.ContentType!.ToString());
        Assert.StartsWith("The Livechat widget is not installed on this server.", index.Body);
        Assert.Equal(200, info.Code);
    }

    [Fact]
    public async Task AvatarsAreDrawnInitials()
    {
        var avatar = await factory.Anonymous().GetAsync("/avatar/jane");

        Assert.Equal(200, avatar.Code);
        Assert.Equal("image/svg+xml", avatar.ContentHeaders!.ContentType!.MediaType);
        Assert.Contains(">J</text>", avatar.Body);
    }

    public void Dispose()
    {
        Directory.Delete(_folder, recursive: true);
        GC.SuppressFinalize(this);
    }
}

public sealed class WidgetEndpointsSqliteTests(SqliteServerFactory factory) : WidgetEndpointsTests<SqliteServerFactory>(factory);

public sealed class WidgetEndpointsPostgresTests(PostgresServerFactory factory) : WidgetEndpointsTests<PostgresServerFactory>(factory);
