import assert from 'node:assert/strict';
import { distinctTermsOf, isBigramTerm, termsOf } from '../../../src/core/plan/textTerms';

describe('textTerms: Unicode terms for the workspace index', () => {
  it('splits French on letters, not ASCII: apostrophes and accents do not cut or lose words', () => {
    assert.deepEqual(termsOf("Ajoute l'authentification JWT à l'API"), ['ajoute', 'authentification', 'jwt', 'api']);
    assert.deepEqual(termsOf('Créer la fenêtre'), ['creer', 'fenetre'], 'accents fold, "la" is a function word');
  });

  it('keeps Cyrillic words, case folded, with ё read as е', () => {
    assert.deepEqual(termsOf('Добавить ПРОВЕРКУ почты для Ёлки'), ['добавить', 'проверку', 'почты', 'елки']);
  });

  it('turns Chinese and Japanese runs into overlapping character pairs, and splits them from Latin words', () => {
    assert.deepEqual(termsOf('添加用户登录'), ['添加', '加用', '用户', '户登', '登录']);
    assert.deepEqual(termsOf('JWT认证'), ['jwt', '认证']);
    assert.deepEqual(termsOf('ログイン'), ['ログ', 'グイ', 'イン']);
    assert.deepEqual(termsOf('表'), ['表'], 'a single character is a term of its own');
    assert.ok(isBigramTerm('用户') && isBigramTerm('ログ') && isBigramTerm('กข'));
    assert.ok(!isBigramTerm('user') && !isBigramTerm('naïve') && !isBigramTerm('проверку') && !isBigramTerm(''));
  });

  it('gives identifiers their whole name and their parts, in any case style', () => {
    assert.deepEqual(termsOf('parseJwtToken'), ['parsejwttoken', 'parse', 'jwt', 'token']);
    assert.deepEqual(termsOf('HTTPServer'), ['httpserver', 'http', 'server']);
    assert.deepEqual(termsOf('user_login-form'), ['user', 'login', 'form']);
  });

  it('folds case fully (ß, final sigma) and leaves scripts whose marks are letters alone', () => {
    assert.deepEqual(termsOf('STRASSE Straße'), ['strasse', 'strasse']);
    assert.deepEqual(termsOf('λόγος ΛΌΓΟΣ'), ['λογοσ', 'λογοσ']);
    assert.deepEqual(termsOf('परीक्षण'), ['परीक्षण'], 'Devanagari vowel signs are kept');
  });

  it('drops function words, one-letter words and hash-like strings, and keeps repeats for term frequency', () => {
    assert.deepEqual(termsOf('the token and the token for a user'), ['token', 'token', 'user']);
    assert.deepEqual(termsOf(`x ${'a1'.repeat(40)} ok`), ['ok']);
    assert.deepEqual(distinctTermsOf('token token user'), ['token', 'user']);
  });
});
