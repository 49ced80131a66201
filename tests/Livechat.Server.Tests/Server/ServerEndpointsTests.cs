using Livechat.Server.Tests.Infrastructure;

namespace Livechat.Server.Tests.Server;

public abstract class ServerEndpointsTests<TFactory>(TFactory factory) : IClassFixture<TFactory> where TFactory : LivechatServerFactory
{
    [Fact]
    public async Task InfoAnswersVersionAndSuccess()
    {
        var reply = await factory.Anonymous().GetAsync("/api/info");

        reply.Is(200, """{"version":"0.1.0","success":true}""");
        Assert.Equal("application/json", reply.ContentHeaders!.ContentType!.ToString());
        Assert.Equal("no-store", reply.Headers.CacheControl!.ToString());
        Assert.Contains("no-cache", reply.Headers.Pragma.ToString());
    }

    [Fact]
    public async Task HealthAnswers200WhenTheDatabaseAnswers()
    {
        var reply = await factory.Anonymous().GetAsync("/health");

        Assert.Equal(200, reply.Code);
    }

    [Fact]
    public async Task UnknownApiRouteAnswersNotFoundEnvelope()
    {
        var reply = await factory.Anonymous().GetAsync("livechat/no-such-thing");

        reply.Is(404, """{"success":false,"error":"Resource not found"}""");
    }

    [Fact]
    public async Task KnownPathWithAnotherMethodAnswersNotFoundEnvelope()
    {
        var reply = await factory.Anonymous().DeleteAsync("login");

        reply.Is(404, """{"success":false,"error":"Resource not found"}""");
    }

    [Fact]
    public async Task OptionsOnAnyPathAnswersOk()
    {
        var reply = await factory.Anonymous().SendAsync(new HttpRequestMessage(HttpMethod.Options, "/api/v1/livechat/room.saveInfo"));

        Assert.Equal(200, reply.Code);
        Assert.Equal("OK", reply.Body);
    }

    [Fact]
    public async Task MalformedJsonAnswersInvalidJsonEnvelope()
    {
        var admin = await factory.AdminAsync();

        var reply = await admin.PostRawAsync("users.create", "{\"username\": ");

        reply.Is(400, """{"success":false,"error":"Invalid JSON body [error-invalid-json]","errorType":"error-invalid-json"}""");
    }

    [Fact]
    public async Task NonJsonContentTypeAnswersInvalidContentTypeEnvelope()
    {
        var admin = await factory.AdminAsync();

        var reply = await admin.PostRawAsync("users.create", "username=x", "application/x-www-form-urlencoded");

        reply.Is(400, """{"success":false,"error":"Request body must be JSON (Content-Type: application/json) [error-invalid-content-type]","errorType":"error-invalid-content-type"}""");
    }

    [Fact]
    public async Task MalformedJsonWithoutCredentialsAnswers401First()
    {
        var reply = await factory.Anonymous().PostRawAsync("users.create", "{");

        reply.Is(401, """{"success":false,"error":"You must be logged in to do this.","status":"error","message":"You must be logged in to do this."}""");
    }
}

public sealed class ServerEndpointsSqliteTests(SqliteServerFactory factory) : ServerEndpointsTests<SqliteServerFactory>(factory);

public sealed class ServerEndpointsPostgresTests(PostgresServerFactory factory) : ServerEndpointsTests<PostgresServerFactory>(factory);
