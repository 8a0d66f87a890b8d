import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Module, Controller, Get } from '@nestjs/common';
import { hello } from '@haven/event-store';
@Controller() class C { @Get('/x') x() { return { hello }; } }
@Module({ controllers: [C] }) class AppModule {}
async function main() { const app = await NestFactory.create(AppModule); await app.listen(3999); console.log('up'); }
main();
